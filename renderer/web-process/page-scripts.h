/* Scripts the app runs in its page: webContents.executeJavaScript. */
#pragma once

#include <webkit/webkit-web-process-extension.h>

/* Answers EXECUTE_SCRIPT_MESSAGE for page. */
void page_scripts_watch(WebKitWebPage *page);
