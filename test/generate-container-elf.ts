/** Just enough of ELF64 (little-endian) to tell a static binary from a dynamic one. */
export interface Elf64 {
  /** e_machine: 62 x86-64, 183 AArch64. */
  machine: number;
  /** p_type of every program header (3 = PT_INTERP: needs a dynamic loader). */
  programHeaderTypes: number[];
  sectionNames: string[];
}

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const PT_INTERP = 3;
export const PT_DYNAMIC = 2;

export function readElf64(buf: Buffer): Elf64 {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (buf[4] !== 2) throw new Error("not ELF64");
  if (buf[5] !== 1) throw new Error("not little-endian");
  const machine = buf.readUInt16LE(18);
  const phoff = Number(buf.readBigUInt64LE(32));
  const shoff = Number(buf.readBigUInt64LE(40));
  const phentsize = buf.readUInt16LE(54);
  const phnum = buf.readUInt16LE(56);
  const shentsize = buf.readUInt16LE(58);
  const shnum = buf.readUInt16LE(60);
  const shstrndx = buf.readUInt16LE(62);

  const programHeaderTypes: number[] = [];
  for (let i = 0; i < phnum; i++) programHeaderTypes.push(buf.readUInt32LE(phoff + i * phentsize));

  const sections = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return { name: buf.readUInt32LE(at), offset: Number(buf.readBigUInt64LE(at + 24)) };
  });
  const strtab = sections[shstrndx]?.offset;
  const sectionNames =
    strtab === undefined
      ? []
      : sections.map((s) => {
          const start = strtab + s.name;
          return buf.toString("latin1", start, buf.indexOf(0, start));
        });
  return { machine, programHeaderTypes, sectionNames };
}
