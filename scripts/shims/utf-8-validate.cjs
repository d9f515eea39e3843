// Pure-JS stand-in for the native `utf-8-validate` addon (see bufferutil.cjs): Node's own check.
'use strict';
const { isUtf8 } = require('node:buffer');
module.exports = function isValidUTF8(buffer) {
  return isUtf8(buffer);
};
