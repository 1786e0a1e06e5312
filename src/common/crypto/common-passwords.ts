/** Frequently used passwords (from public breach corpora), compared case-insensitively. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `123456 123456789 12345678 password qwerty123 qwerty1 111111 12345 secret 123123 1234567890 1234567 000000 qwerty
abc123 password1 iloveyou 11111111 dragon monkey 123321 654321 666666 7777777 123qwe letmein welcome football
baseball sunshine princess admin admin123 administrator passw0rd password123 password1234 qwertyuiop 1q2w3e4r 1q2w3e4r5t
zaq12wsx qazwsx trustno1 starwars whatever shadow master hello freedom login abc12345 superman batman michael
charlie jennifer jordan23 hunter2 hunter ashley access flower 696969 mustang letmein123 changeme changeme123 default
welcome1 welcome123 p@ssw0rd p@ssword pa55word passw0rd1 q1w2e3r4 q1w2e3r4t5 asdfghjkl asdfgh zxcvbnm 1qaz2wsx
987654321 aa123456 1234qwer qwer1234 computer internet samsung whatever1 iloveyou1 football1 monkey123 dragon123
summer2024 winter2024 spring2024 autumn2024 summer2025 winter2025 summer2026 winter2026 password2024 password2025
password2026 correcthorsebatterystaple letmeinnow youshallnotpass mypassword mypassword1 secret123 secretpassword
adminadmin rootroot toor root123 test1234 test12345 testtest guest123 user1234 welcome2024 welcome2025 welcome2026`
    .split(/\s+/)
    .filter(Boolean),
);
