namespace FhirBridge.Bench;

/// <summary>The Patient body every write scenario sends: a realistic Finnish client with a unique benchmark identifier.</summary>
internal static class PatientJson
{
    public const string BenchIdentifierSystem = "https://fhirbridge.example.fi/NamingSystem/bench-id";

    public static string Create(string benchId) =>
        $$"""
        {"resourceType":"Patient","identifier":[{"system":"{{BenchIdentifierSystem}}","value":"{{benchId}}"},{"use":"official","system":"urn:oid:1.2.246.21","value":"010190-901R"}],"active":true,"name":[{"use":"official","family":"Virtanen","given":["Aino","Maria"]}],"telecom":[{"system":"phone","value":"+358 40 000 0001","use":"mobile"}],"gender":"female","birthDate":"1990-01-01","address":[{"use":"home","line":["Raatihuoneenkatu 5 B 12"],"postalCode":"13100","city":"Hämeenlinna","country":"FI"}],"communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"fi"}]},"preferred":true}]}
        """;

    public static string NewBenchId() => Guid.NewGuid().ToString("N");
}
