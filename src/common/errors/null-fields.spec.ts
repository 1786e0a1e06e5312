import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { forbiddenNulls } from './null-fields';

class Inner {
  @ApiPropertyOptional({ type: String, nullable: true }) note?: string | null;
  @ApiPropertyOptional() name?: string;
}

class Base {
  @ApiPropertyOptional({ type: String, nullable: true }) inherited?: string | null;
}

class Outer extends Base {
  @ApiPropertyOptional() title?: string;
  @ApiPropertyOptional({ type: Inner }) inner?: Inner;
  @ApiProperty({ type: [Inner] }) list!: Inner[];
}

describe('forbiddenNulls', () => {
  it('accepts null where the DTO, or a class it extends, declares the property nullable', () => {
    expect(forbiddenNulls(Outer, { inherited: null, inner: { note: null }, list: [{ note: null }] })).toEqual([]);
  });

  it('names each other null, in nested objects and arrays too', () => {
    expect(forbiddenNulls(Outer, { title: null, inner: { name: null }, list: [{}, { name: null }], unknown: null }).map((e) => e.field)).toEqual([
      'title',
      'inner.name',
      'list.1.name',
      'unknown',
    ]);
  });

  it('reads the nullability the swagger plugin learned from the TypeScript type', () => {
    class FromPlugin {
      cleared?: string | null;
      kept?: string;
      static _OPENAPI_METADATA_FACTORY() {
        return { cleared: { required: false, type: () => String, nullable: true }, kept: { required: false, type: () => String } };
      }
    }
    expect(forbiddenNulls(FromPlugin, { cleared: null, kept: null })).toEqual([{ field: 'kept', message: 'kept must not be null', code: 'isNotNull' }]);
  });
});
