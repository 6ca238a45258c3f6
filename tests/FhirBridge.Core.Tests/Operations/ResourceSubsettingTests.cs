using FhirBridge.Core.Operations;
using Hl7.Fhir.Model;

namespace FhirBridge.Core.Tests.Operations;

public sealed class ResourceSubsettingTests
{
    private static Observation Sample() => new()
    {
        Id = "o1",
        Meta = new Meta { VersionId = "2" },
        Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">72/min</div>" },
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4"),
        Subject = new ResourceReference("Patient/p1"),
        Value = new Quantity(72, "/min"),
        Note = [new Annotation { Text = "resting" }],
    };

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    [InlineData("count")]
    public void Apply_NothingToTrim_ReturnsTheSameInstance(string? summary)
    {
        var observation = Sample();

        Assert.Same(observation, ResourceSubsetting.Apply(observation, summary, null));
    }

    [Fact]
    public void Apply_SummaryTrue_DropsNonSummaryElementsOfACopy()
    {
        var observation = Sample();

        var trimmed = (Observation)ResourceSubsetting.Apply(observation, "true", null);

        Assert.Empty(trimmed.Note);
        Assert.Null(trimmed.Text);
        Assert.NotNull(trimmed.Subject);
        Assert.NotNull(trimmed.Value);
        Assert.Equal("o1", trimmed.Id);
        Assert.Equal("2", trimmed.Meta!.VersionId);
        Assert.Single(trimmed.Meta!.Tag, t => t.Code == ResourceSubsetting.SubsettedCode);
        Assert.NotEmpty(observation.Note);
        Assert.Empty(observation.Meta!.Tag);
    }

    [Fact]
    public void Apply_SummaryText_KeepsTextAndMandatoryElements()
    {
        var trimmed = (Observation)ResourceSubsetting.Apply(Sample(), "text", null);

        Assert.NotNull(trimmed.Text);
        Assert.NotNull(trimmed.Status);
        Assert.NotNull(trimmed.Code);
        Assert.Null(trimmed.Subject);
        Assert.Null(trimmed.Value);
    }

    [Fact]
    public void Apply_SummaryData_DropsOnlyText()
    {
        var trimmed = (Observation)ResourceSubsetting.Apply(Sample(), "data", null);

        Assert.Null(trimmed.Text);
        Assert.NotEmpty(trimmed.Note);
        Assert.NotNull(trimmed.Value);
    }

    [Fact]
    public void Apply_Elements_KeepsListedAndMandatoryElementsAndTagsOnce()
    {
        var observation = Sample();
        observation.Meta!.Tag.Add(new Coding(ResourceSubsetting.SubsettedSystem, ResourceSubsetting.SubsettedCode));

        var trimmed = (Observation)ResourceSubsetting.Apply(observation, null, ["Observation.subject", "value[x]"]);

        Assert.NotNull(trimmed.Subject);
        Assert.NotNull(trimmed.Value);
        Assert.NotNull(trimmed.Status);
        Assert.NotNull(trimmed.Code);
        Assert.Empty(trimmed.Note);
        Assert.Null(trimmed.Text);
        Assert.Single(trimmed.Meta!.Tag);
    }
}
