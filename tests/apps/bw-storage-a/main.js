require('../bw-storage/common.js')('a');
