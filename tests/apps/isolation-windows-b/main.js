require('../isolation-windows/common.js');
