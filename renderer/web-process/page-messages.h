/* The names of the WebKit user messages between appd-renderer and its
 * web process extension (page-extension.c, page-scripts.c). */
#pragma once

/* Extension → renderer, no parameters: the fd of a page link in the
 * reply's fd list, or none. */
#define PAGE_LINK_MESSAGE "appd-page-link"

/* Renderer → extension, (s code): run code in the page's main world as a
 * script.  The reply, once a returned promise has settled, is (b ok, s
 * text): the result as JSON ("null" for what JSON lacks), or the text of
 * the exception or of the rejection. */
#define EXECUTE_SCRIPT_MESSAGE "appd-execute-script"
