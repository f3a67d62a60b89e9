"""Text: the parser that makes an article of a file's text, the tokenizer, and the document record."""
