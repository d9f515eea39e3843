/**
 * Tiny media files for generated exports. Each maker returns real, decodable bytes (a viewer shows
 * a small coloured image, a player plays a second of silence) where that is cheap to write by hand,
 * and container-shaped bytes otherwise (MP4). `salt` makes otherwise identical files differ, so
 * tests control exactly which files are duplicates.
 */
import { gzipSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  /** MSB-first (JPEG entropy data); 0xFF gets a stuffed 0x00 after it. */
  writeMsb(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >>> i) & 1);
      if (++this.n === 8) this.pushByte(true);
    }
  }

  /** LSB-first (WebP lossless bitstream). */
  writeLsb(value: number, bits: number): void {
    for (let i = 0; i < bits; i++) {
      this.acc |= ((value >>> i) & 1) << this.n;
      if (++this.n === 8) this.pushByte(false);
    }
  }

  private pushByte(stuff: boolean): void {
    this.bytes.push(this.acc & 0xff);
    if (stuff && (this.acc & 0xff) === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.n = 0;
  }

  finishMsb(): number[] {
    while (this.n !== 0) this.writeMsb(1, 1); // pad with ones, as JPEG requires
    return this.bytes;
  }

  finishLsb(): number[] {
    if (this.n !== 0) this.pushByte(false);
    return this.bytes;
  }
}

function u16be(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}
function u32be(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
function u32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
function ascii(s: string): number[] {
  return Array.from(Buffer.from(s, 'latin1'));
}

function toYCbCr([r, g, b]: Rgb): [number, number, number] {
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return [
    clamp(0.299 * r + 0.587 * g + 0.114 * b),
    clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
    clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b),
  ];
}

/**
 * Baseline JPEG, 4:4:4, made of flat 8x8 blocks (a block's colour is carried entirely by its DC
 * coefficient, so no DCT is needed). Quantisation tables are all ones; the DC Huffman table gives
 * every size category 0..11 a 4-bit code; the AC table holds only end-of-block.
 */
export function makeJpeg(width: number, height: number, colorAt: (bx: number, by: number) => Rgb, salt = '', padding?: Uint8Array): Buffer {
  const bw = Math.ceil(width / 8);
  const bh = Math.ceil(height / 8);
  const out: number[] = [0xff, 0xd8];
  out.push(0xff, 0xe0, ...u16be(16), ...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0);
  if (salt) {
    const com = ascii(salt);
    out.push(0xff, 0xfe, ...u16be(com.length + 2), ...com);
  }
  const parts: Buffer[] = [];
  if (padding) {
    // comment segments (at most 65533 bytes each) make a photo any size without changing the image
    for (let off = 0; off < padding.length; off += 65533) {
      const chunk = padding.subarray(off, off + 65533);
      parts.push(Buffer.from([0xff, 0xfe, ...u16be(chunk.length + 2)]), Buffer.from(chunk));
    }
  }
  out.push(0xff, 0xdb, ...u16be(67), 0, ...new Array(64).fill(1));
  out.push(0xff, 0xc0, ...u16be(17), 8, ...u16be(height), ...u16be(width), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0);
  const dcCounts = new Array(16).fill(0);
  dcCounts[3] = 12;
  out.push(0xff, 0xc4, ...u16be(2 + 1 + 16 + 12), 0x00, ...dcCounts, ...Array.from({ length: 12 }, (_, i) => i));
  const acCounts = new Array(16).fill(0);
  acCounts[0] = 1;
  out.push(0xff, 0xc4, ...u16be(2 + 1 + 16 + 1), 0x10, ...acCounts, 0x00);
  out.push(0xff, 0xda, ...u16be(12), 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0);
  const bits = new BitWriter();
  const prev = [0, 0, 0];
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const ycc = toYCbCr(colorAt(bx, by));
      for (let c = 0; c < 3; c++) {
        const dc = 8 * (ycc[c] - 128);
        const diff = dc - prev[c];
        prev[c] = dc;
        const mag = Math.abs(diff);
        const category = mag === 0 ? 0 : 32 - Math.clz32(mag);
        bits.writeMsb(category, 4);
        if (category > 0) bits.writeMsb(diff > 0 ? diff : diff + (1 << category) - 1, category);
        bits.writeMsb(0, 1); // end of block
      }
    }
  }
  out.push(...bits.finishMsb(), 0xff, 0xd9);
  if (parts.length === 0) return Buffer.from(out);
  const head = Buffer.from(out.slice(0, 2));
  return Buffer.concat([head, ...parts, Buffer.from(out.slice(2))]);
}

/** A photo: a few coloured bands chosen from `seed`. */
export function makePhoto(seed: number, width = 64, height = 48, salt = '', padding?: Uint8Array): Buffer {
  const palette: Rgb[] = [
    [231, 76, 60], [46, 204, 113], [52, 152, 219], [241, 196, 15], [155, 89, 182], [26, 188, 156], [236, 240, 241], [44, 62, 80],
  ];
  const a = palette[seed % palette.length];
  const b = palette[(seed >>> 3) % palette.length];
  const c = palette[(seed >>> 6) % palette.length];
  return makeJpeg(width, height, (bx, by) => ((bx + by + seed) % 3 === 0 ? a : (bx * by) % 2 === 0 ? b : c), salt, padding);
}

/**
 * Lossless WebP of one solid colour: every prefix code has a single symbol, which costs zero bits
 * per pixel, so the image data is empty whatever the size.
 */
export function makeWebp(width: number, height: number, [r, g, b]: Rgb, alpha = 255): Buffer {
  const bits = new BitWriter();
  bits.writeLsb(width - 1, 14);
  bits.writeLsb(height - 1, 14);
  bits.writeLsb(alpha !== 255 ? 1 : 0, 1);
  bits.writeLsb(0, 3); // version
  bits.writeLsb(0, 1); // no transform
  bits.writeLsb(0, 1); // no colour cache
  bits.writeLsb(0, 1); // no meta prefix codes
  const simple = (symbol: number) => {
    bits.writeLsb(1, 1); // simple code
    bits.writeLsb(0, 1); // one symbol
    bits.writeLsb(1, 1); // 8-bit symbol
    bits.writeLsb(symbol, 8);
  };
  simple(g);
  simple(r);
  simple(b);
  simple(alpha);
  simple(0); // distance
  const data = [0x2f, ...bits.finishLsb()];
  if (data.length % 2) data.push(0);
  const chunk = [...ascii('VP8L'), ...u32le(data.length - (data.length % 2 ? 0 : 0)), ...data];
  return Buffer.from([...ascii('RIFF'), ...u32le(4 + chunk.length), ...ascii('WEBP'), ...chunk]);
}

const OGG_CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? ((r << 1) ^ 0x04c11db7) >>> 0 : (r << 1) >>> 0;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  return crc;
}

function oggPage(headerType: number, granule: number, serial: number, seq: number, packets: Uint8Array[]): Buffer {
  const segments: number[] = [];
  for (const p of packets) {
    let left = p.length;
    while (left >= 255) {
      segments.push(255);
      left -= 255;
    }
    segments.push(left);
  }
  const granuleBytes = [granule & 0xff, (granule >>> 8) & 0xff, (granule >>> 16) & 0xff, (granule >>> 24) & 0xff, 0, 0, 0, 0];
  const header = [...ascii('OggS'), 0, headerType, ...granuleBytes, ...u32le(serial), ...u32le(seq), 0, 0, 0, 0, segments.length, ...segments];
  const page = Buffer.concat([Buffer.from(header), ...packets.map((p) => Buffer.from(p))]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** Ogg Opus of `seconds` of silence (empty 20 ms CELT frames), as voice messages are. */
export function makeOpus(seconds: number, salt = ''): Buffer {
  const serial = 0x5eed0001;
  const head = Buffer.from([...ascii('OpusHead'), 1, 1, ...[0x38, 0x01], ...u32le(48000), 0, 0, 0]);
  const vendor = ascii('vault-archiver generator');
  const comment = ascii(`salt=${salt}`);
  const tags = Buffer.from([...ascii('OpusTags'), ...u32le(vendor.length), ...vendor, ...u32le(1), ...u32le(comment.length), ...comment]);
  const frames = Math.max(1, Math.round(seconds * 50));
  const packets = Array.from({ length: frames }, () => Uint8Array.from([0xf8]));
  return Buffer.concat([
    oggPage(0x02, 0, serial, 0, [head]),
    oggPage(0x00, 0, serial, 1, [tags]),
    oggPage(0x04, 312 + frames * 960, serial, 2, packets),
  ]);
}

/** MPEG-1 layer III frames of silence behind an ID3v2 tag (audio files "song.mp3"). */
export function makeMp3(seconds: number, salt = ''): Buffer {
  const text = ascii(`\u0003${salt}`);
  const frame = [...ascii('TIT2'), ...u32be(text.length), 0, 0, ...text];
  const size = frame.length;
  const syncsafe = [(size >>> 21) & 0x7f, (size >>> 14) & 0x7f, (size >>> 7) & 0x7f, size & 0x7f];
  const id3 = [...ascii('ID3'), 3, 0, 0, ...syncsafe, ...frame];
  const frameLen = Math.floor((144 * 32000) / 44100); // 32 kbit/s, 44.1 kHz, no padding
  const mpeg = Buffer.alloc(frameLen);
  mpeg.set([0xff, 0xfb, 0x10, 0xc4]);
  const count = Math.max(1, Math.round((seconds * 44100) / 1152));
  return Buffer.concat([Buffer.from(id3), ...new Array(count).fill(mpeg)]);
}

function box(type: string, ...payload: (number[] | Buffer)[]): Buffer {
  const body = Buffer.concat(payload.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
  return Buffer.concat([Buffer.from([...u32be(8 + body.length), ...ascii(type)]), body]);
}

/** MP4-shaped bytes (ftyp, moov/mvhd with the duration, mdat): enough for type sniffing and sizes. */
export function makeMp4(seconds: number, salt = ''): Buffer {
  const mvhd = [0, 0, 0, 0, ...u32be(0), ...u32be(0), ...u32be(1000), ...u32be(Math.round(seconds * 1000)), ...u32be(0x00010000), 0x01, 0x00, ...new Array(10).fill(0),
    ...u32be(0x00010000), ...u32be(0), ...u32be(0), ...u32be(0), ...u32be(0x00010000), ...u32be(0), ...u32be(0), ...u32be(0), ...u32be(0x40000000),
    ...new Array(24).fill(0), ...u32be(2)];
  return Buffer.concat([
    box('ftyp', ascii('isom'), u32be(0x200), ascii('isomiso2avc1mp41')),
    box('moov', box('mvhd', mvhd)),
    box('mdat', ascii(`vault-archiver ${salt}`)),
  ]);
}

/** Animated sticker: gzip-compressed Lottie JSON, as Telegram's .tgs files are. */
export function makeTgs(salt = ''): Buffer {
  const lottie = { v: '5.5.2', fr: 60, ip: 0, op: 60, w: 512, h: 512, nm: `sticker ${salt}`, ddd: 0, assets: [], layers: [] };
  const gz = gzipSync(Buffer.from(JSON.stringify(lottie)), { level: 9 });
  gz[9] = 0xff; // OS byte differs by platform; "unknown" keeps the sample identical everywhere
  return gz;
}

/** A one-page PDF with a line of text; xref offsets computed, so viewers open it without repair. */
export function makePdf(text: string): Buffer {
  const safe = text.replace(/[()\\]/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  const stream = `BT /F1 18 Tf 36 100 Td (${safe}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** An empty ZIP archive (just the end-of-central-directory record) with a comment. */
export function makeZip(comment: string): Buffer {
  const c = Buffer.from(comment, 'utf8');
  return Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, c.length & 0xff, c.length >>> 8]), c]);
}

export function makeVcard(first: string, last: string, phone: string): Buffer {
  return Buffer.from(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:${last};${first};;;\r\nFN:${first} ${last}\r\nTEL;TYPE=CELL:${phone}\r\nEND:VCARD\r\n`, 'utf8');
}
