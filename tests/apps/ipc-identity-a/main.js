require('../ipc-identity/common.js');
