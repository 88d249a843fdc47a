-- An organisation's own branding of its review packs (the consultant's name, colour and logo
-- for this client), each over the installation's when set.
ALTER TABLE organizations ADD COLUMN brand_name TEXT;
ALTER TABLE organizations ADD COLUMN brand_colour TEXT;
ALTER TABLE organizations ADD COLUMN brand_logo BYTEA;
