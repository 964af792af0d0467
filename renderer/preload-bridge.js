/* The part of Electron's renderer API that a preload script sees.
 *
 * This is a function expression: appd-renderer calls it with the versions
 * it knows and runs the app's preload with the returned `require` and
 * `process` in scope.  Both run in the isolated "appd-preload" world, the
 * only world in which the appdIpc message handler exists, so pages (main
 * world) cannot reach the native side; what they get is what the preload
 * hands them through the DOM.
 *
 * Payloads travel as JSON text: ipcRenderer.send() stringifies its
 * arguments as an array; webContents.send() arrives through
 * __appdDispatch(channel, jsonText). */
(function (versions) {
        'use strict';

        const listeners = new Map();

        function checkChannel(channel) {
                if (typeof channel !== 'string' || channel.length === 0)
                        throw new TypeError('ipcRenderer: channel must be a non-empty string');
        }

        function checkListener(listener) {
                if (typeof listener !== 'function')
                        throw new TypeError('ipcRenderer: listener must be a function');
        }

        const ipcRenderer = {
                send(channel, ...args) {
                        checkChannel(channel);
                        const payload = JSON.stringify(args);
                        window.webkit.messageHandlers.appdIpc.postMessage({ channel, payload });
                },

                on(channel, listener) {
                        checkChannel(channel);
                        checkListener(listener);
                        let list = listeners.get(channel);
                        if (!list) {
                                list = [];
                                listeners.set(channel, list);
                        }
                        list.push({ listener, once: false });
                        return ipcRenderer;
                },

                once(channel, listener) {
                        ipcRenderer.on(channel, listener);
                        const list = listeners.get(channel);
                        list[list.length - 1].once = true;
                        return ipcRenderer;
                },

                removeListener(channel, listener) {
                        const list = listeners.get(channel);
                        if (!list)
                                return ipcRenderer;
                        /* Like EventEmitter: the most recently added match goes. */
                        for (let i = list.length - 1; i >= 0; i--) {
                                if (list[i].listener === listener) {
                                        list.splice(i, 1);
                                        break;
                                }
                        }
                        if (list.length === 0)
                                listeners.delete(channel);
                        return ipcRenderer;
                },

                removeAllListeners(channel) {
                        if (channel === undefined)
                                listeners.clear();
                        else
                                listeners.delete(channel);
                        return ipcRenderer;
                },

                listenerCount(channel) {
                        const list = listeners.get(channel);
                        return list ? list.length : 0;
                },
        };
        ipcRenderer.addListener = ipcRenderer.on;
        ipcRenderer.off = ipcRenderer.removeListener;
        Object.freeze(ipcRenderer);

        function dispatch(channel, payload) {
                let args;
                try {
                        args = JSON.parse(payload);
                } catch (e) {
                        console.error('appd: dropping malformed message on channel', channel, e);
                        return;
                }
                if (!Array.isArray(args)) {
                        console.error('appd: dropping message on channel', channel, ': arguments are not an array');
                        return;
                }
                const list = listeners.get(channel);
                if (!list)
                        return;
                /* Listeners added or removed while dispatching take effect
                 * from the next message on, as with EventEmitter. */
                const event = { sender: ipcRenderer, senderId: 0, ports: [] };
                for (const entry of list.slice()) {
                        if (entry.once)
                                ipcRenderer.removeListener(channel, entry.listener);
                        try {
                                entry.listener(event, ...args);
                        } catch (e) {
                                console.error('appd: ipcRenderer listener for', channel, 'threw:', e);
                        }
                }
        }

        Object.defineProperty(globalThis, '__appdDispatch', { value: dispatch });

        const electron = Object.freeze({ ipcRenderer });

        function require(name) {
                if (name === 'electron')
                        return electron;
                const error = new Error(`Cannot find module '${name}'`);
                error.code = 'MODULE_NOT_FOUND';
                throw error;
        }

        const process = Object.freeze({
                versions: Object.freeze(Object.assign({}, versions)),
                platform: 'linux',
                type: 'renderer',
                contextIsolated: true,
                sandboxed: true,
                env: {},
                argv: [],
        });

        return { require, process };
})
