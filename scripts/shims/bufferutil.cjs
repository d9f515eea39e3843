// Pure-JS stand-in for the native `bufferutil` addon, which GramJS's `websocket` dependency
// requires unconditionally. Addons are never shipped (VS Code's Electron Node), and GramJS talks
// TCP on Node, so this only has to be correct, not fast: XOR with the 4-byte frame mask.
'use strict';
function mask(source, maskBytes, output, offset, length) {
  for (let i = 0; i < length; i++) output[offset + i] = source[i] ^ maskBytes[i & 3];
}
function unmask(buffer, maskBytes) {
  for (let i = 0; i < buffer.length; i++) buffer[i] ^= maskBytes[i & 3];
}
module.exports = { mask, unmask };
