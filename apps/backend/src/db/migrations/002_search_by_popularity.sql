-- Search orders matches by popularity (likes). Walking this index and filtering by the search
-- vector stops after the requested number of matches, instead of ranking every match of a
-- common term (a term like "fantasy" matches a tenth of all stories).
CREATE INDEX stories_public_popular_idx ON stories (like_count DESC, id DESC) WHERE visibility = 'public';
