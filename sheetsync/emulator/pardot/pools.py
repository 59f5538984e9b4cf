"""Value pools for the demo data generator: names (with their ASCII forms for e-mails),
companies, places, picklist values. Chosen to be realistic and to include the hard cases (accents,
Japanese, emoji, leading zeros, quotes and newlines)."""

from __future__ import annotations

FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("James", "james"), ("Mary", "mary"), ("Liam", "liam"), ("Olivia", "olivia"),
    ("Noah", "noah"), ("Emma", "emma"), ("José", "jose"), ("María", "maria"),
    ("François", "francois"), ("Zoë", "zoe"), ("Björn", "bjorn"), ("Søren", "soren"),
    ("Łukasz", "lukasz"), ("Chloé", "chloe"), ("Mélanie", "melanie"), ("Jürgen", "jurgen"),
    ("Ana", "ana"), ("Mateo", "mateo"), ("Sofía", "sofia"), ("Ingrid", "ingrid"),
    ("Priya", "priya"), ("Arjun", "arjun"), ("Wei", "wei"), ("Mei", "mei"),
    ("太郎", "taro"), ("花子", "hanako"), ("さくら", "sakura"), ("翔太", "shota"),
    ("Yuki", "yuki"), ("Hiroshi", "hiroshi"), ("Olga", "olga"), ("Dmitri", "dmitri"),
    ("Fatima", "fatima"), ("Omar", "omar"), ("Aisha", "aisha"), ("Kwame", "kwame"),
    ("Siobhán", "siobhan"), ("Seán", "sean"), ("Renée", "renee"), ("Đorđe", "dorde"),
    ("Lucas", "lucas"), ("Ethan", "ethan"), ("Ava", "ava"), ("Mia", "mia"),
    ("Elijah", "elijah"), ("Harper", "harper"), ("Sam", "sam"), ("Grace", "grace"),
)  # fmt: skip

LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
    ("García", "garcia"), ("Martínez", "martinez"), ("Müller", "muller"),
    ("Schröder", "schroder"), ("Dubois", "dubois"), ("Lefèvre", "lefevre"),
    ("Núñez", "nunez"), ("Ødegaard", "odegaard"), ("Kowalski", "kowalski"),
    ("Nowak", "nowak"), ("O'Brien", "obrien"), ("McDonald", "mcdonald"),
    ("van der Berg", "vanderberg"), ("Rossi", "rossi"), ("Bianchi", "bianchi"),
    ("山田", "yamada"), ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"),
    ("田中", "tanaka"), ("Kim", "kim"), ("Lee", "lee"), ("Park", "park"),
    ("Nguyễn", "nguyen"), ("Trần", "tran"), ("Patel", "patel"), ("Singh", "singh"),
    ("Ivanov", "ivanov"), ("Haddad", "haddad"), ("Mensah", "mensah"), ("Wang", "wang"),
    ("Zhang", "zhang"), ("Andersson", "andersson"), ("Jones", "jones"), ("Davis", "davis"),
    ("Miller", "miller"), ("Wilson", "wilson"), ("Taylor", "taylor"), ("Moore", "moore"),
)  # fmt: skip

DOMAINS = (
    "example.com", "example.org", "acme.example", "globex.example", "mail.example.jp",
    "initech.example", "example.de", "example.fr",
)  # fmt: skip
COMPANIES = (
    "Acme Corp", "Globex", "Initech", "Umbrella Ltd", "Soylent", "株式会社サンプル",
    "Müller & Söhne GmbH", "Café Olé S.A.", "Hooli", "Stark Industries", "Wayne Enterprises",
    "Wonka Industries", "Tyrell Corporation", "Cyberdyne Systems", "Øresund Logistics",
    "Vandelay Industries", "Pied Piper", "北京示例科技", "Société Générale d'Exemple",
)  # fmt: skip
JOB_TITLES = (
    "Marketing Manager", "VP Sales", "CTO", "Software Engineer", "Director of Operations",
    "Account Executive", "営業部長", "Directrice Marketing", "Head of Growth", "Analyst",
    "CEO", "Procurement Lead",
)  # fmt: skip
PLACES: tuple[tuple[str, str | None, str, str], ...] = (
    ("Boston", "MA", "02134", "USA"), ("Portland", "OR", "97201", "USA"),
    ("San Francisco", "CA", "94105", "USA"), ("New York", "NY", "10001", "USA"),
    ("Holtsville", "NY", "00501", "USA"), ("Newark", "NJ", "07102", "USA"),
    ("Tokyo", "東京都", "100-0001", "Japan"), ("Osaka", "大阪府", "530-0001", "Japan"),
    ("München", "Bayern", "80331", "Germany"), ("Paris", "Île-de-France", "75001", "France"),
    ("São Paulo", "SP", "01310-100", "Brazil"), ("London", None, "SW1A 1AA", "United Kingdom"),
    ("Toronto", "ON", "M5H 2N2", "Canada"), ("Zürich", "ZH", "8001", "Switzerland"),
    ("Kraków", "Małopolskie", "30-001", "Poland"),
)  # fmt: skip
INDUSTRIES = ("Software", "Manufacturing", "Healthcare", "Finance", "Education", "Retail")
SOURCES = ("Website", "Trade Show", "Webinar", "Referral", "Paid Search", "Import")
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")
REVENUES = ("$1,000,000", "5000000", "10M+", "€250.000", "unknown")
EMPLOYEES = ("1-10", "11-50", "51-200", "201-1000", "1000+")
INTERACTIONS = ("Visited website", "Opened email", "Submitted form", "Clicked link")
HOBBIES = ("swimming", "chess", "hiking", "running", "reading", "photography")
SEGMENTS = ("SMB", "Mid-Market", "Enterprise", "Public Sector")
LANGUAGES = ("English", "日本語", "Français", "Deutsch", "Español")
TOPICS = ("Product updates", "Events", "Tips & tricks")
EVENTS = ("Dreamforce 2025", "Webinar: Q3 launch", "Tokyo meetup")
BIOGRAPHIES = (
    "Long-time customer, prefers email.",
    "Met at the Boston trade show; interested in the API.",
    "Décideur clé — préfère le français.",
    "長年のお客様です。",
    'Line one\nLine two, with a comma, and "quotes".',
)

LIST_NAMES = (
    "Hot Prospects", "Newsletter", "Webinar Attendees", "Customers", "Trade Show 2026",
    "Japan Leads", "Dormant", "Partners",
)  # fmt: skip
CAMPAIGN_NAMES = (
    "Website", "Spring Webinar 2026", "Dreamforce 2025 Booth", "Newsletter", "Paid Search — Brand",
    "Événement Paris", "東京セミナー 2026", "Partner Referral", "Reactivation", "Holiday Promo",
    "Product Launch Q3", "LinkedIn Ads", "Customer Advocacy", "Trade Show Boston", "Ebook: Guide",
    "Free Trial", "Analyst Report", "Retargeting", "Webinar Series", "Field Events",
)  # fmt: skip
