/**
 * Apple Podcasts categories (the list Apple publishes for `itunes:category`). A show stores either a top-level
 * category ("Technology") or "Parent > Subcategory" ("Arts > Books"); the feed nests the two tags accordingly.
 */
export const APPLE_CATEGORY_TREE: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["Arts", ["Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"]],
  ["Business", ["Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"]],
  ["Comedy", ["Comedy Interviews", "Improv", "Stand-Up"]],
  ["Education", ["Courses", "How To", "Language Learning", "Self-Improvement"]],
  ["Fiction", ["Comedy Fiction", "Drama", "Science Fiction"]],
  ["Government", []],
  ["Health & Fitness", ["Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"]],
  ["History", []],
  ["Kids & Family", ["Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"]],
  [
    "Leisure",
    ["Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden", "Video Games"],
  ],
  ["Music", ["Music Commentary", "Music History", "Music Interviews"]],
  [
    "News",
    ["Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News", "Tech News"],
  ],
  ["Religion & Spirituality", ["Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"]],
  [
    "Science",
    [
      "Astronomy",
      "Chemistry",
      "Earth Sciences",
      "Life Sciences",
      "Mathematics",
      "Natural Sciences",
      "Nature",
      "Physics",
      "Social Sciences",
    ],
  ],
  ["Society & Culture", ["Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"]],
  [
    "Sports",
    [
      "Baseball",
      "Basketball",
      "Cricket",
      "Fantasy Sports",
      "Football",
      "Golf",
      "Hockey",
      "Rugby",
      "Running",
      "Soccer",
      "Swimming",
      "Tennis",
      "Volleyball",
      "Wilderness",
      "Wrestling",
    ],
  ],
  ["Technology", []],
  ["True Crime", []],
  ["TV & Film", ["After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"]],
];

export const CATEGORY_SEPARATOR = " > ";

export const APPLE_CATEGORIES: readonly string[] = APPLE_CATEGORY_TREE.flatMap(([parent, children]) => [
  parent,
  ...children.map((child) => `${parent}${CATEGORY_SEPARATOR}${child}`),
]);

/** "Arts > Books" -> ["Arts", "Books"]; "Technology" -> ["Technology"]. */
export const categoryPath = (category: string) => category.split(CATEGORY_SEPARATOR);
