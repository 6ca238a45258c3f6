namespace FhirBridge.Cli.Seed;

/// <summary>Common Finnish names and municipalities (code of urn:oid:1.2.246.537.6.21, name) for synthetic clients.</summary>
internal static class FinnishNames
{
    public static readonly string[] Families =
    [
        "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen",
        "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen",
        "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen",
    ];

    public static readonly string[] Female =
    [
        "Anna", "Maria", "Aino", "Helena", "Johanna", "Sari", "Tiina", "Minna", "Päivi", "Riitta", "Emma", "Sofia", "Laura", "Kaisa", "Eveliina",
    ];

    public static readonly string[] Male =
    [
        "Juha", "Mikko", "Timo", "Matti", "Kari", "Jari", "Antti", "Pekka", "Mika", "Ville", "Eino", "Onni", "Leo", "Väinö", "Juhani",
    ];

    public static readonly (string Code, string Name)[] Municipalities =
    [
        ("109", "Hämeenlinna"), ("165", "Janakkala"), ("169", "Jokioinen"), ("082", "Hattula"), ("086", "Hausjärvi"),
        ("433", "Loppi"), ("694", "Riihimäki"), ("834", "Tammela"), ("981", "Ypäjä"), ("061", "Forssa"), ("103", "Humppila"),
    ];
}
