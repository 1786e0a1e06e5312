import { ModuleResourceDto } from './module-resource.dto';
import { ModuleResourceEntity } from './module-resource.entity';

export function toModuleResourceDto(r: ModuleResourceEntity): ModuleResourceDto {
  return {
    id: r.id, roomId: r.roomId, namespace: r.namespace, tag: r.tag, data: r.data, createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}
