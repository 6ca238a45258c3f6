using System.Formats.Tar;
using System.IO.Compression;
using FhirBridge.Core.Tests.Profiles;
using FhirBridge.Core.Validation;
using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.OperationOutcome;

namespace FhirBridge.Core.Tests.Validation;

/// <summary>
/// A third-party IG in the style of the HL7 Finland base profiles (FinnishIg/: a snapshot profile with a type slice of
/// value[x], a type-sliced effective[x], an identifier slice by profile and an extension slice, plus differentials that
/// name choice elements by type), packed to a .tgz and loaded like a configured package.
/// </summary>
public sealed class ThirdPartyPackageTests
{
    private const string Ig = "https://fi-base.test.fhirbridge.fi/fhir/StructureDefinition/";
    private const string BodyWeight = Ig + "fi-body-weight";
    private const string InfantWeight = Ig + "fi-infant-weight";
    private const string Position = Ig + "fi-measurement-position";
    private const string PositionCodes = "https://fi-base.test.fhirbridge.fi/fhir/CodeSystem/fi-measurement-position";
    private const string OrderSystem = "urn:oid:1.2.246.10.1234567.10.1";

    private static readonly ProfileValidator Validator = new(LoadPackage());

    private static ConformanceSource LoadPackage()
    {
        var folder = Path.Combine(Path.GetDirectoryName(ProfilePackage.Folder)!, "tests", "FhirBridge.Core.Tests", "Validation", "FinnishIg", "package");
        var tgz = Path.Combine(Directory.CreateTempSubdirectory("fhirbridge-ig-").FullName, "test.fi.base-1.0.0.tgz");
        using (var gzip = new GZipStream(File.Create(tgz), CompressionLevel.Fastest))
        {
            TarFile.CreateFromDirectory(folder, gzip, includeBaseDirectory: true);
        }

        var source = ConformanceSource.Load(tgz);
        Directory.Delete(Path.GetDirectoryName(tgz)!, recursive: true);
        return source;
    }

    private static Observation Weight(string profile = BodyWeight, DataType? value = null, DataType? effective = null, params Identifier[] identifiers) => new()
    {
        Meta = new Meta { Profile = [profile] },
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "29463-7", "Body weight"),
        Subject = new ResourceReference("Patient/p1"),
        Effective = effective ?? new FhirDateTime("2026-11-02T08:30:00+02:00"),
        Value = value ?? Kilograms(72.5m),
        Identifier = identifiers.Length > 0 ? [.. identifiers] : [new Identifier(OrderSystem, "LAB-2026-0042")],
    };

    private static Quantity Kilograms(decimal value) => new() { Value = value, Unit = "kg", System = "http://unitsofmeasure.org", Code = "kg" };

    private static Extension PositionExtension(DataType value) => new(Position, value);

    [Fact]
    public void Load_Tarball_IndexesTheIgDefinitions()
    {
        Assert.Empty(Validator.Source.LoadProblems);
        Assert.All(new[] { BodyWeight, InfantWeight, Position, Ig + "fi-laboratory-order-identifier" }, url => Assert.True(Validator.IsLoaded(url), url));
    }

    [Fact]
    public void Validate_ConformingBodyWeight_IsClean()
    {
        var weight = Weight();
        weight.Extension.Add(PositionExtension(new CodeableConcept(PositionCodes, "standing")));

        Outcomes.AssertClean(Validator.Validate(weight));
    }

    private static string Rule(string profile, string element) => $"{profile}#{element}";

    private static string Single(OperationOutcome outcome, IssueType code, string expression)
    {
        Assert.Equal(1, Outcomes.ErrorCount(outcome));
        return Outcomes.AssertIssue(outcome, IssueSeverity.Error, code, expression);
    }

    [Fact]
    public void Validate_QuantitySliceWithoutUnit_ReportsTheSliceChild()
    {
        var outcome = Validator.Validate(Weight(value: new Quantity { Value = 72.5m, System = "http://unitsofmeasure.org", Code = "kg" }));

        Assert.Equal($"{Rule(BodyWeight, "Observation.value[x]:valueQuantity.unit")}: element requires at least 1 value(s) (1..1), found 0.",
            Single(outcome, IssueType.Required, "Observation.value.unit"));
    }

    [Fact]
    public void Validate_QuantitySliceUnitAgainstItsPattern_IsAnError()
    {
        var pounds = Kilograms(160m);
        pounds.Unit = "lb";

        var outcome = Validator.Validate(Weight(value: pounds));

        Assert.Equal($"{Rule(BodyWeight, "Observation.value[x]:valueQuantity.unit")}: the value must match the pattern 'kg', found 'lb'.",
            Single(outcome, IssueType.Value, "Observation.value.unit"));
    }

    [Fact]
    public void Validate_ValueOfAnotherTypeThanTheClosedTypeSlices_IsAnError()
    {
        var outcome = Validator.Validate(Weight(value: new FhirString("72 kg")));

        Assert.Equal(2, Outcomes.ErrorCount(outcome));
        var issues = outcome.Issue.Where(i => i.Expression.Contains("Observation.value")).Select(i => i.Diagnostics).ToList();
        Assert.Equal(
        [
            $"{Rule(BodyWeight, "Observation.value[x]")}: type string is not allowed here, expected Quantity.",
            $"{Rule(BodyWeight, "Observation.value[x]")}: '72 kg' matches none of the slices valueQuantity and the slicing is closed.",
        ], issues);
    }

    [Fact]
    public void Validate_EffectivePeriod_MatchesNoSliceOfTheTypeDiscriminator()
    {
        var outcome = Validator.Validate(Weight(effective: new Period { Start = "2026-11-02T08:00:00+02:00" }));

        Assert.Equal(2, Outcomes.ErrorCount(outcome));
        Assert.Equal($"{Rule(BodyWeight, "Observation.effective[x]")}: a Period matches none of the slices effectiveDateTime and the slicing is closed.",
            Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Structure, "Observation.effective"));
        Assert.Equal($"{Rule(BodyWeight, "Observation.effective[x]:effectiveDateTime")}: slice 'effectiveDateTime' requires at least 1 value(s) (1..1), found 0.",
            Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "Observation.effective"));
    }

    [Fact]
    public void Validate_IdentifierNotConformingToTheSliceProfile_LeavesTheSliceEmpty()
    {
        var outcome = Validator.Validate(Weight(identifiers: new Identifier("urn:oid:1.2.246.10.7654321", "LAB-2026-0042")));

        Assert.Equal($"{Rule(BodyWeight, "Observation.identifier:laboratoryOrder")}: slice 'laboratoryOrder' requires at least 1 value(s) (1..1), found 0.",
            Single(outcome, IssueType.Required, "Observation.identifier"));
    }

    [Fact]
    public void Validate_TwoIdentifiersConformingToTheSliceProfile_ExceedTheSliceMax()
    {
        var outcome = Validator.Validate(Weight(identifiers: [new Identifier(OrderSystem, "LAB-1"), new Identifier(OrderSystem, "LAB-2")]));

        Assert.Equal($"{Rule(BodyWeight, "Observation.identifier:laboratoryOrder")}: slice 'laboratoryOrder' allows at most 1 value(s) (1..1), found 2.",
            Single(outcome, IssueType.Structure, "Observation.identifier"));
    }

    [Fact]
    public void Validate_ProfileDiscriminatorWithAnotherIdentifierBeside_MatchesOnlyTheConformingOne()
    {
        var outcome = Validator.Validate(Weight(identifiers: [new Identifier("urn:oid:1.2.246.10.7654321", "X-9"), new Identifier(OrderSystem, "LAB-1")]));

        Outcomes.AssertClean(outcome);
    }

    [Fact]
    public void Validate_DifferentialNamingValueQuantity_AppliesOnTopOfTheSnapshot()
    {
        var infant = Weight(InfantWeight, new Quantity { Value = 3480m, Unit = "g", System = "http://unitsofmeasure.org", Code = "g" });

        Outcomes.AssertClean(Validator.Validate(infant));
    }

    [Fact]
    public void Validate_DifferentialNamingValueQuantity_ChecksItsChildren()
    {
        var outcome = Validator.Validate(Weight(InfantWeight, Kilograms(3.48m)));

        Assert.Equal(2, Outcomes.ErrorCount(outcome));
        Assert.Equal($"{Rule(InfantWeight, "Observation.value[x]:valueQuantity.unit")}: the value must match the pattern 'g', found 'kg'.",
            Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Value, "Observation.value.unit"));
        Assert.Equal($"{Rule(InfantWeight, "Observation.value[x]:valueQuantity.code")}: the value must be exactly 'g' (fixed), found 'kg'.",
            Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Value, "Observation.value.code"));
    }

    [Fact]
    public void Validate_DifferentialNamingValueQuantity_RequiresTheValue()
    {
        var infant = Weight(InfantWeight);
        infant.Value = null;

        Assert.Equal($"{Rule(InfantWeight, "Observation.value[x]:valueQuantity")}: slice 'valueQuantity' requires at least 1 value(s) (1..1), found 0.",
            Single(Validator.Validate(infant), IssueType.Required, "Observation.value"));
    }

    [Fact]
    public void Validate_ExtensionNamingValueCodeableConcept_RestrictsTheValueType()
    {
        var weight = Weight();
        weight.Extension.Add(PositionExtension(new FhirString("standing")));

        var outcome = Validator.Validate(weight);

        Assert.Equal(2, Outcomes.ErrorCount(outcome));
        Assert.Equal($"{Rule(Position, "Extension.value[x]")}: type string is not allowed here, the profile restricts value[x] to CodeableConcept.",
            Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Structure, "Observation.extension[0].value"));
        Assert.Equal($"{Rule(Position, "Extension.value[x]:valueCodeableConcept")}: slice 'valueCodeableConcept' requires at least 1 value(s) (1..*), found 0.",
            Outcomes.AssertIssue(outcome, IssueSeverity.Error, IssueType.Required, "Observation.extension[0].value"));
    }

    [Fact]
    public void Validate_ExtensionNamingValueCodeableConcept_ChecksItsBinding()
    {
        var weight = Weight();
        weight.Extension.Add(PositionExtension(new CodeableConcept(PositionCodes, "floating")));

        var message = Single(Validator.Validate(weight), IssueType.CodeInvalid, "Observation.extension[0].value");

        Assert.StartsWith($"{Rule(Position, "Extension.value[x]:valueCodeableConcept")}: '{PositionCodes}|floating' is not in value set", message);
    }

    [Fact]
    public void Validate_SnapshotInvariantOfTheIg_IsEvaluated()
    {
        var outcome = Validator.Validate(Weight(value: Kilograms(725m)));

        Assert.Equal(0, Outcomes.ErrorCount(outcome));
        Assert.Contains("constraint fi-weight-1 failed", Outcomes.AssertIssue(outcome, IssueSeverity.Warning, IssueType.Invariant, "Observation"));
    }
}
