/**
 * A Tree over a folder on disk that never writes to it: reads fall through to disk, writes stay in memory. It
 * implements the public `Tree` interface of @nx/devkit, so the workflows generator (generateFiles, formatFiles,
 * readNxJson ...) runs on it unchanged; gate-workflows then compares what it wrote with the files on disk.
 */
import type { FileChange, Tree } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Change {
  content: Buffer | null;
  mode?: string | number;
}

export class OverlayTree implements Tree {
  private readonly changes = new Map<string, Change>();

  constructor(readonly root: string) {}

  private normalize(file: string): string {
    const absolute = path.resolve(this.root, file);
    return path.relative(this.root, absolute).split(path.sep).join('/');
  }

  private disk(file: string): string {
    return path.join(this.root, file);
  }

  private diskRead(file: string): Buffer | null {
    try {
      return fs.readFileSync(this.disk(file));
    } catch {
      return null;
    }
  }

  read(filePath: string): Buffer | null;
  read(filePath: string, encoding: BufferEncoding): string | null;
  read(filePath: string, encoding?: BufferEncoding): Buffer | string | null {
    const file = this.normalize(filePath);
    const change = this.changes.get(file);
    const content = change ? change.content : this.isFile(file) ? this.diskRead(file) : null;
    if (content === null) return null;
    return encoding ? content.toString(encoding) : content;
  }

  write(filePath: string, content: Buffer | string, options?: { mode?: string | number }): void {
    const file = this.normalize(filePath);
    const buffer = Buffer.from(content);
    const onDisk = this.diskRead(file);
    if (onDisk && onDisk.equals(buffer) && options?.mode === undefined) {
      this.changes.delete(file);
      return;
    }
    this.changes.set(file, { content: buffer, mode: options?.mode });
  }

  exists(filePath: string): boolean {
    const file = this.normalize(filePath);
    const change = this.changes.get(file);
    if (change) return change.content !== null;
    if ([...this.changes.keys()].some((k) => k.startsWith(`${file}/`) && this.changes.get(k)!.content !== null)) return true;
    return fs.existsSync(this.disk(file));
  }

  delete(filePath: string): void {
    this.changes.set(this.normalize(filePath), { content: null });
  }

  rename(from: string, to: string): void {
    const content = this.read(from);
    if (content === null) return;
    this.write(to, content);
    this.delete(from);
  }

  isFile(filePath: string): boolean {
    const file = this.normalize(filePath);
    const change = this.changes.get(file);
    if (change) return change.content !== null;
    try {
      return fs.statSync(this.disk(file)).isFile();
    } catch {
      return false;
    }
  }

  children(dirPath: string): string[] {
    const dir = this.normalize(dirPath);
    const names = new Set<string>();
    try {
      for (const name of fs.readdirSync(this.disk(dir))) names.add(name);
    } catch {
      // not a folder on disk
    }
    const prefix = dir === '' ? '' : `${dir}/`;
    for (const [file, change] of this.changes) {
      if (!file.startsWith(prefix)) continue;
      const name = file.slice(prefix.length).split('/')[0];
      if (change.content === null && !file.slice(prefix.length).includes('/')) names.delete(name);
      else if (change.content !== null) names.add(name);
    }
    return [...names];
  }

  listChanges(): FileChange[] {
    return [...this.changes].map(([file, change]) => ({
      path: file,
      type: change.content === null ? 'DELETE' : fs.existsSync(this.disk(file)) ? 'UPDATE' : 'CREATE',
      content: change.content,
      ...(change.mode !== undefined ? { options: { mode: change.mode } } : {}),
    }));
  }

  changePermissions(filePath: string, mode: string | number): void {
    const file = this.normalize(filePath);
    const content = this.read(file);
    if (content !== null) this.changes.set(file, { content, mode });
  }
}
