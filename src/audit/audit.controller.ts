import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { Page, PageOf } from '../common/pagination/pagination';
import { AuditService } from './audit.service';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';
import { Endpoint } from '../common/http/endpoint.decorator';

const AuditLogPage = PageOf(AuditLogDto);

@ApiTags('audit')
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Endpoint({ summary: "The caller's tenant's audit log, newest first", access: ['audit-logs', 'read'], ok: AuditLogPage })
  listAuditLogs(@CurrentPrincipal() principal: Principal, @Query() query: AuditLogQueryDto): Promise<Page<AuditLogDto>> {
    return this.audit.list(principal.tenantId, query);
  }
}
