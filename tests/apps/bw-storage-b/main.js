require('../bw-storage/common.js')('b');
