window.fromPage = 'page.js ran';
