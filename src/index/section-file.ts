import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PolicybotError } from '../errors.ts';

/**
 * A binary artifact: a small JSON header and named typed-array sections. The big data never
 * passes through a string (JSON.stringify of a million chunks' postings exceeds V8's largest
 * string) and loads by reading bytes straight into typed arrays, without per-entry parsing.
 *
 * Layout: 4-byte magic, u32 version, u32 header length, header JSON (UTF-8), then each section
 * at an 8-byte aligned offset from the end of the header. Numbers are in the machine's byte
 * order, which the header records: a file from a machine of the other order is refused.
 */
export type SectionArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

const TYPES = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f64: Float64Array,
} as const;
type SectionType = keyof typeof TYPES;

interface SectionEntry {
  name: string;
  type: SectionType;
  length: number;
  offset: number;
}

interface Header {
  endianness: string;
  meta: unknown;
  sections: SectionEntry[];
}

const PREAMBLE_BYTES = 12;
/** A header is a few kilobytes; anything far larger is damage, not data. */
const MAX_HEADER_BYTES = 16 << 20;
/** Node reads and writes at most 2 GiB per call; slices stay well below that. */
const IO_SLICE = 1 << 30;

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function typeOf(a: SectionArray): SectionType {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  return 'f64';
}

function bytesOf(a: SectionArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) {
    done += fs.writeSync(fd, bytes, done, Math.min(IO_SLICE, bytes.length - done));
  }
}

/** Writes the sections in the given order, streaming each to the file (no whole-file buffer). */
export function writeSectionFile(file: string, magic: string, version: number, meta: unknown, sections: ReadonlyArray<readonly [string, SectionArray]>): void {
  if (Buffer.byteLength(magic) !== 4) throw new Error(`section file magic must be 4 bytes: ${magic}`);
  let offset = 0;
  const entries: SectionEntry[] = sections.map(([name, a]) => {
    const e = { name, type: typeOf(a), length: a.length, offset };
    offset = align8(offset + a.byteLength);
    return e;
  });
  const header = Buffer.from(JSON.stringify({ endianness: os.endianness(), meta, sections: entries } satisfies Header), 'utf8');
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  preamble.write(magic, 0, 'latin1');
  preamble.writeUInt32LE(version, 4);
  preamble.writeUInt32LE(header.length, 8);
  const zeros = Buffer.alloc(8);
  const fd = fs.openSync(file, 'w');
  try {
    writeAll(fd, preamble);
    writeAll(fd, header);
    writeAll(fd, zeros.subarray(0, align8(PREAMBLE_BYTES + header.length) - PREAMBLE_BYTES - header.length));
    for (const [, a] of sections) {
      const bytes = bytesOf(a);
      writeAll(fd, bytes);
      writeAll(fd, zeros.subarray(0, align8(bytes.length) - bytes.length));
    }
  } finally {
    fs.closeSync(fd);
  }
}

export interface SectionFile {
  meta: unknown;
  /** The element type of the section of that name, or null when there is none. */
  typeOf(name: string): SectionType | null;
  /** The section of that name and type; throws E_INDEX_CORRUPT when it is absent or of another type. */
  get<T extends SectionType>(name: string, type: T): InstanceType<(typeof TYPES)[T]>;
}

function corrupt(file: string, why: string): PolicybotError {
  return new PolicybotError('E_INDEX_CORRUPT', `${path.basename(file)}: ${why}`);
}

function readExactly(fd: number, into: Buffer, position: number, file: string): void {
  for (let done = 0; done < into.length; ) {
    const n = fs.readSync(fd, into, done, Math.min(IO_SLICE, into.length - done), position + done);
    if (n === 0) throw corrupt(file, 'file ends early (truncated?)');
    done += n;
  }
}

/** Reads every section into its own typed array (each may be up to Node's typed-array limit). */
export function readSectionFile(file: string, magic: string, version: number): SectionFile {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size < PREAMBLE_BYTES) throw corrupt(file, 'file too short');
    const preamble = Buffer.alloc(PREAMBLE_BYTES);
    readExactly(fd, preamble, 0, file);
    if (preamble.toString('latin1', 0, 4) !== magic) throw corrupt(file, 'not a policybot index file (bad magic)');
    if (preamble.readUInt32LE(4) !== version) throw corrupt(file, `format ${preamble.readUInt32LE(4)} ≠ ${version}`);
    const headerBytes = preamble.readUInt32LE(8);
    if (headerBytes > MAX_HEADER_BYTES || PREAMBLE_BYTES + headerBytes > size) throw corrupt(file, 'header length out of range');
    const raw = Buffer.alloc(headerBytes);
    readExactly(fd, raw, PREAMBLE_BYTES, file);
    let header: Header;
    try {
      header = JSON.parse(raw.toString('utf8')) as Header;
    } catch {
      throw corrupt(file, 'header is not JSON');
    }
    if (!header || !Array.isArray(header.sections)) throw corrupt(file, 'header lists no sections');
    if (header.endianness !== os.endianness()) throw corrupt(file, `written on a ${header.endianness} machine, this one is ${os.endianness()}`);
    const dataStart = align8(PREAMBLE_BYTES + headerBytes);
    const arrays = new Map<string, SectionArray>();
    for (const e of header.sections) {
      const Ctor = TYPES[e?.type];
      if (!Ctor || !Number.isSafeInteger(e.length) || e.length < 0 || !Number.isSafeInteger(e.offset) || e.offset < 0) throw corrupt(file, `bad section entry ${JSON.stringify(e)}`);
      const byteLength = e.length * Ctor.BYTES_PER_ELEMENT;
      if (dataStart + e.offset + byteLength > size) throw corrupt(file, `section ${e.name} runs past the end of the file (truncated?)`);
      const a = new Ctor(e.length);
      readExactly(fd, bytesOf(a), dataStart + e.offset, file);
      arrays.set(e.name, a);
    }
    return {
      meta: header.meta,
      typeOf(name) {
        const a = arrays.get(name);
        return a ? typeOf(a) : null;
      },
      get(name, type) {
        const a = arrays.get(name);
        if (!a || typeOf(a) !== type) throw corrupt(file, `section ${name} (${type}) is missing`);
        return a as InstanceType<(typeof TYPES)[typeof type]>;
      },
    };
  } finally {
    fs.closeSync(fd);
  }
}
