import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { Page, PageOf } from '../common/pagination/pagination';
import { AuditService } from './audit.service';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';

const AuditLogPage = PageOf(AuditLogDto);

@ApiTags('audit')
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authorize('audit-logs', 'read')
  @ApiOperation({ summary: "The caller's tenant's audit log, newest first" })
  @ApiOkResponse({ type: AuditLogPage })
  @ApiProblems(400)
  listAuditLogs(@CurrentPrincipal() principal: Principal, @Query() query: AuditLogQueryDto): Promise<Page<AuditLogDto>> {
    return this.audit.list(principal.tenantId, query);
  }
}
