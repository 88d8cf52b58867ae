"""Text as the reader handles it below every other layer: tokens for search
(`reader.text.tokens`) and cleaning untrusted text (`reader.text.sanitize`)."""
