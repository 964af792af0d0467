require('electron').app.exit(0);
