import { Body, Controller, Get, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DependsOn } from 'nest-vitals';
import { CreateNoteDto, NoteDto } from './note.dto.js';
import { NotesService } from './notes.service.js';

@ApiTags('Notes')
@Controller('notes')
@DependsOn('database')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  @ApiOkResponse({ type: [NoteDto] })
  list() {
    return this.notes.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: NoteDto })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.notes.get(id);
  }

  @Post()
  @ApiCreatedResponse({ type: NoteDto })
  create(@Body() input: CreateNoteDto) {
    return this.notes.create(input);
  }
}
