"""The word lists behind bot/linking.py: nicknames, UK postcode areas, places, school words.

Data only, so a duty officer's question "why did these two link?" can be answered by reading it.
Every entry is lower case ASCII (accents are stripped before lookup) with doubled letters kept
as written: the lookup collapses doubled letters on both sides.

To add a nickname: put it in every group it can stand for. "alex" is in both "alexander" and
"alexandra", so Alex links with either, but Alexander never links with Alexandra.
"""

from __future__ import annotations

# Each group: the formal name first, then the short forms and spellings that stand for it.
# A name in several groups (alex, sam, charlie, ellie, maddie...) links with each of them.
NICKNAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("thomas", "tom", "tommy", "tommie", "thom"),
    ("william", "will", "bill", "billy", "billie", "willie", "willy"),
    ("elizabeth", "liz", "lizzie", "lizzy", "beth", "betty", "bess", "bessie", "eliza", "libby", "ellie"),
    ("john", "jack", "johnny", "johnnie", "jonny"),
    ("jonathan", "jon", "jonny", "jonty"),
    ("katherine", "catherine", "kathryn", "katharine", "kathleen", "kate", "katie", "katy", "kat",
     "kath", "kathy", "cath", "cathy", "kitty"),
    ("alexander", "alex", "alec", "xander", "lex", "sandy"),
    ("alexandra", "alex", "alexa", "lexi", "lexie"),
    ("samuel", "sam", "sammy"),
    ("samantha", "sam", "sammy", "sammie"),
    ("michael", "mike", "mikey", "mick", "micky", "mickey"),
    ("daniel", "dan", "danny"),
    ("danielle", "dani", "danni"),
    ("james", "jim", "jimmy", "jimmie", "jamie"),
    ("robert", "rob", "robbie", "robby", "bob", "bobby"),
    ("charles", "charlie", "chas", "chaz", "chuck"),
    ("charlotte", "charlie", "lottie", "lotty"),
    ("eleanor", "elinor", "eleanore", "ellie", "elly", "nell", "nellie"),
    ("elena", "ellie", "lena"),
    ("madison", "maddie", "maddy", "madi"),
    ("madeleine", "madeline", "madelyn", "maddie", "maddy", "maddi"),
    ("margaret", "maggie", "meg", "peggy", "madge"),
    ("mary", "molly", "polly"),
    ("edward", "ed", "eddie", "eddy", "ted", "teddy", "ned"),
    ("theodore", "theo", "ted", "teddy"),
    ("benjamin", "ben", "benny", "benji", "benjy"),
    ("joseph", "joe", "joey", "jo"),
    ("josephine", "jo", "josie", "jojo"),
    ("christopher", "chris", "kit"),
    ("christina", "christine", "chris", "chrissy", "tina"),
    ("nicholas", "nick", "nicky", "nico"),
    ("nicola", "nicky", "nikki"),
    ("matthew", "matt", "matty"),
    ("anthony", "tony", "ant"),
    ("andrew", "andy", "drew"),
    ("joshua", "josh"),
    ("frederick", "fred", "freddie", "freddy"),
    ("alfred", "alfie", "alf"),
    ("henry", "harry", "hal"),
    ("oliver", "ollie", "olly"),
    ("olivia", "liv", "livvy", "livia"),
    ("isabella", "isabel", "isabelle", "isobel", "izzy", "izzie", "issy", "bella"),
    ("abigail", "abby", "abbie", "abi"),
    ("rebecca", "becky", "becca", "bex"),
    ("jessica", "jess", "jessie"),
    ("victoria", "vicky", "vikki", "tori"),
    ("patricia", "pat", "patty", "trish", "tricia"),
    ("patrick", "pat", "paddy"),
    ("richard", "rich", "richie", "rick", "ricky", "dick"),
    ("stephen", "steven", "steve", "stevie"),
    ("timothy", "tim", "timmy"),
    ("zachary", "zach", "zack", "zac"),
    ("sophie", "sophia", "soph"),
    ("amelia", "millie", "milly"),
    ("emily", "em", "emmy", "emmie"),
    ("emma", "em", "emmy"),
    ("gabriel", "gabe"),
    ("gabriella", "gabrielle", "gabby", "gabi"),
    ("peter", "pete"),
    ("david", "dave", "davey", "davie"),
    ("jacob", "jake"),
    ("jennifer", "jen", "jenny"),
    ("susan", "sue", "susie", "suzy"),
    ("deborah", "debbie", "debs"),
    ("ronald", "ron", "ronnie"),
    ("leonard", "leo", "len", "lenny"),
    ("muhammad", "mohammed", "mohammad", "mohamed", "muhammed", "mohamad", "mo"),
    ("aisha", "ayesha", "aysha"),
    ("kayden", "caden", "kaden", "kaiden", "cayden"),
    ("jayden", "jaden", "jaiden", "jaydon"),
)

# Words around a name that are not the name ("little Tommy", "baby Lily", "his name is Tom").
NAME_FILLERS = frozenset(
    """little baby babe young wee master miss mr mrs ms our my his her their the a called named name
    is its it s i think maybe probably known as goes by""".split()
)
# An answer with one of these is a description, not a name: "the little boy at number 12".
NOT_A_NAME = frozenset(
    """dont know not no unknown sure boy girl son daughter child kid kids babys and
    brother sister grandson granddaughter nephew niece number house next door""".split()
)

# UK postcode areas (the letters of the outward code) and the post town each is named after.
# A postcode in one of these areas also counts as being in that town: "LS6 2AB" is in Leeds.
POSTCODE_AREAS: dict[str, str] = {
    "AB": "aberdeen", "AL": "st albans", "B": "birmingham", "BA": "bath", "BB": "blackburn",
    "BD": "bradford", "BH": "bournemouth", "BL": "bolton", "BN": "brighton", "BR": "bromley",
    "BS": "bristol", "BT": "belfast", "CA": "carlisle", "CB": "cambridge", "CF": "cardiff",
    "CH": "chester", "CM": "chelmsford", "CO": "colchester", "CR": "croydon", "CT": "canterbury",
    "CV": "coventry", "CW": "crewe", "DA": "dartford", "DD": "dundee", "DE": "derby",
    "DG": "dumfries", "DH": "durham", "DL": "darlington", "DN": "doncaster", "DT": "dorchester",
    "DY": "dudley", "E": "london", "EC": "london", "EH": "edinburgh", "EN": "enfield",
    "EX": "exeter", "FK": "falkirk", "FY": "blackpool", "G": "glasgow", "GL": "gloucester",
    "GU": "guildford", "HA": "harrow", "HD": "huddersfield", "HG": "harrogate",
    "HP": "hemel hempstead", "HR": "hereford", "HS": "outer hebrides", "HU": "hull",
    "HX": "halifax", "IG": "ilford", "IP": "ipswich", "IV": "inverness", "KA": "kilmarnock",
    "KT": "kingston upon thames", "KW": "kirkwall", "KY": "kirkcaldy", "L": "liverpool",
    "LA": "lancaster", "LD": "llandrindod wells", "LE": "leicester", "LL": "llandudno",
    "LN": "lincoln", "LS": "leeds", "LU": "luton", "M": "manchester", "ME": "rochester",
    "MK": "milton keynes", "ML": "motherwell", "N": "london", "NE": "newcastle",
    "NG": "nottingham", "NN": "northampton", "NP": "newport", "NR": "norwich", "NW": "london",
    "OL": "oldham", "OX": "oxford", "PA": "paisley", "PE": "peterborough", "PH": "perth",
    "PL": "plymouth", "PO": "portsmouth", "PR": "preston", "RG": "reading", "RH": "redhill",
    "RM": "romford", "S": "sheffield", "SA": "swansea", "SE": "london", "SG": "stevenage",
    "SK": "stockport", "SL": "slough", "SM": "sutton", "SN": "swindon", "SO": "southampton",
    "SP": "salisbury", "SR": "sunderland", "SS": "southend", "ST": "stoke", "SW": "london",
    "SY": "shrewsbury", "TA": "taunton", "TD": "galashiels", "TF": "telford", "TN": "tonbridge",
    "TQ": "torquay", "TR": "truro", "TS": "middlesbrough", "TW": "twickenham", "UB": "southall",
    "W": "london", "WA": "warrington", "WC": "london", "WD": "watford", "WF": "wakefield",
    "WN": "wigan", "WR": "worcester", "WS": "walsall", "WV": "wolverhampton", "YO": "york",
    "ZE": "lerwick",
}

# Other towns and cities people name, beyond the post towns above.
_MULTI_WORD_PLACES = (
    "south shields", "st helens", "west bromwich", "stoke on trent", "newcastle under lyme",
    "milton keynes", "tower hamlets", "waltham forest", "hemel hempstead", "st albans",
    "kingston upon thames", "outer hebrides", "llandrindod wells",
)
_ONE_WORD_PLACES = """
    barnsley batley dewsbury keighley castleford pontefract wetherby otley ilkley pudsey morley
    rotherham hartlepool stockton gateshead sunderland blyth rochdale bury salford wigan
    birkenhead wirral southport burnley accrington chorley blackburn lancaster scunthorpe grimsby
    lincoln mansfield chesterfield worksop nuneaton rugby solihull wolverhampton telford stafford
    cannock tamworth burton lichfield luton bedford northampton kettering corby wellingborough
    leicester loughborough derby nottingham norwich ipswich colchester basildon southend
    chelmsford harlow cambridge peterborough oxford reading slough swindon bristol bath
    gloucester cheltenham exeter plymouth torquay bournemouth poole southampton portsmouth
    brighton hove crawley worthing eastbourne hastings maidstone canterbury dover margate medway
    chatham gillingham london westminster hackney islington camden lambeth southwark lewisham
    newham croydon bromley barnet ealing brent harrow hounslow hillingdon wandsworth merton
    enfield haringey redbridge havering cardiff swansea newport wrexham edinburgh glasgow
    aberdeen dundee belfast derry york scarborough harrogate selby doncaster sheffield leeds
    bradford wakefield halifax huddersfield hull middlesbrough darlington durham newcastle
    carlisle kendal preston liverpool manchester oldham stockport bolton warrington chester
    crewe macclesfield birmingham coventry walsall dudley sandwell worcester hereford shrewsbury
""".split()
PLACES = frozenset(POSTCODE_AREAS.values()) | frozenset(_MULTI_WORD_PLACES) | frozenset(_ONE_WORD_PLACES)

# Words around a place that are not the place ("they live in Leeds", "near the park in Halifax").
AREA_FILLERS = frozenset(
    """they he she we i it live lives living lived in on at near by around round the a an of
    area just outside off close to with mum mums dad dads nan nans gran grans house flat home
    estate street road avenue park centre center city town village side end uk england
    west east north south yorkshire and or""".split()
)

# Words that say what kind of school it is, not which school: dropped so that "St Mary's
# Primary" and "st marys primary school" read the same. The phase (primary, high...) is dropped
# too: a child's age already tells an infant school from a high school.
SCHOOL_FILLERS = frozenset(
    """school schools academy academies primary secondary high junior juniors infant infants
    nursery nurseries pre preschool kindergarten first middle upper lower college sixth form
    community foundation church england of ce cofe c e rc roman catholic voluntary aided va
    controlled vc trust free the a an and he she they goes go going went attends attend
    is s hes shes theyre at to in his her their i think""".split()
)
SCHOOL_ABBREVIATIONS = {"st": "saint", "sts": "saints", "mt": "mount", "jnr": "junior", "inf": "infant"}
# "He doesn't go to school", "home educated": no school to link on.
NO_SCHOOL = frozenset("""doesn doesnt don dont not no none home educated schooled""".split())
