import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Note } from './note.entity.js';
import type { CreateNoteDto } from './note.dto.js';

@Injectable()
export class NotesService {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  list(): Promise<Note[]> {
    return this.notes.find({ order: { id: 'ASC' } });
  }

  async get(id: number): Promise<Note> {
    const note = await this.notes.findOneBy({ id });
    if (!note) throw new NotFoundException(`No note with id ${id}`);
    return note;
  }

  create(input: CreateNoteDto): Promise<Note> {
    if (typeof input?.title !== 'string' || input.title.trim() === '' || input.title.length > 200) {
      throw new BadRequestException('title must be a non-empty string of at most 200 characters');
    }
    if (input.body !== undefined && typeof input.body !== 'string') throw new BadRequestException('body must be a string');
    return this.notes.save(this.notes.create({ title: input.title.trim(), body: input.body ?? '' }));
  }

  count(): Promise<number> {
    return this.notes.count();
  }
}
