import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CreateNoteDto {
  @ApiProperty({ example: 'Buy milk', maxLength: 200 })
  title!: string;

  @ApiPropertyOptional({ example: 'Two litres, semi-skimmed' })
  body?: string;
}

export class NoteDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 'Buy milk' })
  title!: string;

  @ApiProperty({ example: 'Two litres, semi-skimmed' })
  body!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
}
