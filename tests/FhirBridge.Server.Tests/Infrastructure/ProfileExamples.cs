using FhirBridge.Core.Fhir;
using Hl7.Fhir.Model;

namespace FhirBridge.Server.Tests.Infrastructure;

/// <summary>The FhirBridge package's examples (profiles/examples), valid and invalid against the profile in their meta.profile.</summary>
public static class ProfileExamples
{
    public const string Base = "https://fhirbridge.fi/fhir/StructureDefinition/";

    /// <summary>A fresh copy of an example, e.g. <c>Load&lt;EpisodeOfCare&gt;("EpisodeOfCare-yhteisasiakkuus-1")</c>.</summary>
    public static T Load<T>(string name)
        where T : Resource =>
        Assert.IsAssignableFrom<T>(FhirSerializer.ParseJson(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ProfileExamples", name + ".json"))));

    /// <summary>The example without its meta.profile claim, so only the must-conform rules can require the profile.</summary>
    public static T Unclaimed<T>(string name)
        where T : Resource
    {
        var resource = Load<T>(name);
        resource.Meta = null;
        return resource;
    }
}
