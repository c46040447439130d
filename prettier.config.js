// The project's format. Lines are long on purpose: messages to users and zod schemas read best whole.
export default {
  printWidth: 160,
  singleQuote: true,
  trailingComma: 'all',
};
