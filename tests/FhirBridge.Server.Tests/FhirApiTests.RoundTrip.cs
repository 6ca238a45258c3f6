using FhirBridge.Core.Fhir;
using FhirBridge.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace FhirBridge.Server.Tests;

public abstract partial class FhirApiTests
{
    [Fact]
    public async Task Every_example_round_trips_through_update_as_create_read_and_its_searches()
    {
        foreach (var example in Examples.All)
        {
            var stored = await Client.UpdateAsync(example.Load());

            Assert.Equal(example.Id, stored!.Id);
            Assert.StartsWith("201", Client.LastResult!.Status, StringComparison.Ordinal);
        }

        foreach (var example in Examples.All)
        {
            var read = await Client.ReadAsync<Resource>(example.Reference);

            AssertSameIgnoringMeta(example.Load(), read!);
        }

        var identity = Examples.All.ToDictionary(e => e.Reference, e => e.Reference);
        await AssertManifestSearchesFindAsync(identity);
        await AssertExampleGraphAsync(identity);
    }

    [Fact]
    public async Task All_examples_as_one_transaction_are_created_with_rewritten_references_and_found()
    {
        var urns = Examples.All.ToDictionary(e => e.Reference, _ => $"urn:uuid:{Guid.NewGuid()}");
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var example in Examples.All)
        {
            var resource = FhirSerializer.ParseJson(ReplaceReferences(example.Json, urns));
            resource.Id = null;
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = urns[example.Reference],
                Resource = resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = example.Type },
            });
        }

        var response = await Client.TransactionAsync(bundle);

        Assert.Equal(Bundle.BundleType.TransactionResponse, response!.Type);
        Assert.Equal(Examples.All.Count, response.Entry.Count);
        var created = new Dictionary<string, string>();
        foreach (var (example, entry) in Examples.All.Zip(response.Entry))
        {
            Assert.StartsWith("201", entry.Response!.Status, StringComparison.Ordinal);
            var location = entry.Response.Location!.Split('/');
            Assert.Equal(example.Type, location[0]);
            Assert.NotEqual(example.Id, location[1]);
            created[example.Reference] = $"{location[0]}/{location[1]}";
        }

        foreach (var example in Examples.All)
        {
            var expected = FhirSerializer.ParseJson(ReplaceReferences(example.Json, created));
            expected.Id = created[example.Reference].Split('/')[1];

            AssertSameIgnoringMeta(expected, (await Client.ReadAsync<Resource>(created[example.Reference]))!);
        }

        await AssertManifestSearchesFindAsync(created);
        await AssertExampleGraphAsync(created);
    }

    // Each example's searches, with references mapped to where the examples are stored; _id keeps other tests' data
    // out, strict handling makes an unknown parameter fail instead of being ignored.
    private async Task AssertManifestSearchesFindAsync(IReadOnlyDictionary<string, string> stored)
    {
        var client = StrictClient();
        var misses = new List<string>();
        foreach (var example in Examples.All)
        {
            var id = IdOf(stored[example.Reference]);
            foreach (var search in example.Searches)
            {
                var criterion = $"{search.Param}={stored.GetValueOrDefault(search.Value, search.Value)}";
                var bundle = await client.SearchAsync(example.Type, [criterion, $"_id={id}"]);
                if (!Matches(bundle!).Contains($"{example.Type}/{id}"))
                {
                    misses.Add($"{example.Type}?{criterion} did not find {id}");
                }
            }
        }

        Assert.Empty(misses);
    }

    private async Task AssertExampleGraphAsync(IReadOnlyDictionary<string, string> stored)
    {
        var client = StrictClient();
        var carePlan = stored["CarePlan/fb-careplan-1"];
        var hetu = ((Patient)Examples.Of("Patient", "fb-patient-1").Load()).Identifier.Single(i => i.System == FhirTest.HetuSystem).Value;

        var chained = await client.SearchAsync("CarePlan", new[] { $"subject:Patient.identifier={FhirTest.HetuSystem}|{hetu}" });
        Assert.Contains(carePlan, Matches(chained!));

        var graph = await client.SearchAsync(
            "CarePlan",
            new[] { $"_id={IdOf(carePlan)}" },
            includes: new[] { "CarePlan:subject", "CarePlan:goal" },
            revIncludes: new[] { "Provenance:target", "Task:focus", "DocumentReference:related" });
        Assert.Equal([carePlan], Matches(graph!));
        string[] expected =
        [
            stored["Patient/fb-patient-1"], stored["Goal/fb-goal-1"], stored["Provenance/fb-provenance-1"],
            stored["Task/fb-task-1"], stored["DocumentReference/fb-docref-1"],
        ];
        var included = graph!.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include).Select(e => $"{e.Resource!.TypeName}/{e.Resource.Id}");
        Assert.Equal(expected.Order(), included.Order());
    }

    private FhirClient StrictClient()
    {
        var client = Factory.CreateFhirClient();
        client.Settings.PreferredParameterHandling = SearchParameterHandling.Strict;
        return client;
    }

    private static List<string> Matches(Bundle bundle) =>
        [.. bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => $"{e.Resource!.TypeName}/{e.Resource.Id}")];

    private static string IdOf(string reference) => reference.Split('/')[1];

    // Every JSON string that is exactly one of the examples' literal references, e.g. "Patient/fb-patient-1".
    private static string ReplaceReferences(string json, IReadOnlyDictionary<string, string> replacements) =>
        replacements.Aggregate(json, (text, pair) => text.Replace($"\"{pair.Key}\"", $"\"{pair.Value}\"", StringComparison.Ordinal));

    private static void AssertSameIgnoringMeta(Resource expected, Resource actual)
    {
        var left = (Resource)expected.DeepCopy();
        var right = (Resource)actual.DeepCopy();
        left.Meta = null;
        right.Meta = null;
        Assert.True(left.IsExactly(right), $"{expected.TypeName}/{expected.Id} changed:\n{FhirSerializer.ToJson(left, pretty: true)}\n---\n{FhirSerializer.ToJson(right, pretty: true)}");
    }
}
