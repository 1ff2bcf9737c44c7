/**
 * Reads a file's bytes as text so that a rewrite can give back every byte it did not change: UTF-16
 * files (with a byte order mark) are decoded as UTF-16; anything else is viewed one byte per character
 * (latin1), which keeps UTF-8, Latin-1 or any other 8-bit encoding byte for byte. Version text is ASCII,
 * so searching and replacing it works the same in every view.
 */
export type TextEncoding = 'bytes' | 'utf16le' | 'utf16be';

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncoding;
}

export function decodeText(bytes: Buffer): DecodedText {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: bytes.toString('utf16le'), encoding: 'utf16le' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes);
    swapped.swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf16be' };
  }
  return { text: bytes.toString('latin1'), encoding: 'bytes' };
}

export function encodeText(text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case 'bytes':
      return Buffer.from(text, 'latin1');
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'utf16be':
      return Buffer.from(text, 'utf16le').swap16();
  }
}
