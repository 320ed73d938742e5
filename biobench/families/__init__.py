"""Task families: each turns its records into model features, names the model
head, decodes predictions back onto records and scores them."""
