// Throws while the main script loads.
throw new Error('deliberate failure from the throws app');
