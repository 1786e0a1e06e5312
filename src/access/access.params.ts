import { PipeTransform } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { MEMBER_SUBJECT, ROLE_NAME } from './access.constants';

const MAX_INT4 = 2_147_483_647;

/** A policy id path parameter: a positive 32-bit integer, else a 400 naming `id`. */
export class PolicyIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(id <= MAX_INT4)) throw AppException.invalidField('id', 'id must be a positive integer', 'isPolicyId');
    return id;
  }
}

/** A role name path parameter, else a 400 naming `name`. */
export class RoleNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ROLE_NAME.test(value)) throw AppException.invalidField('name', 'name must be a role name (a lowercase slug)', 'isRoleName');
    return value;
  }
}

/** A `user:<uuid>` or `group:<uuid>` path parameter, else a 400 naming `subject`. */
export class MemberSubjectPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const subject = value.toLowerCase();
    if (!MEMBER_SUBJECT.test(subject)) throw AppException.invalidField('subject', 'subject must be user:<uuid> or group:<uuid>', 'isMemberSubject');
    return subject;
  }
}
