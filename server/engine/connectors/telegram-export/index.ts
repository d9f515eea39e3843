/** The Telegram Desktop export connector: reads an export and feeds its chats to the chat archive. */
export * from './importer';
