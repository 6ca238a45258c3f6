using System.Net;
using FhirBridge.Core.Operations;

namespace FhirBridge.Core.Tests.Operations;

public sealed class ResourceHttpTests
{
    private static readonly Uri Base = new("http://example.org/fhir/");

    [Fact]
    public void Urls_AreBuiltOnTheBaseWithoutItsTrailingSlash()
    {
        Assert.Equal("http://example.org/fhir/Patient/a1", ResourceHttp.FullUrl(Base, "Patient", "a1"));
        Assert.Equal("http://example.org/fhir/Patient/a1/_history/3", ResourceHttp.Location(Base, "Patient", "a1", 3));
        Assert.Equal("Patient/a1/_history/3", ResourceHttp.VersionPath("Patient", "a1", 3));
    }

    [Fact]
    public void ETag_IsWeakWithTheVersion()
    {
        Assert.Equal("W/\"12\"", ResourceHttp.ETag(12));
    }

    [Theory]
    [InlineData("W/\"3\"", true, 3)]
    [InlineData("\"4\"", true, 4)]
    [InlineData("5", true, 5)]
    [InlineData("W/\"x\"", false, 0)]
    [InlineData("W/\"-1\"", false, 0)]
    [InlineData("0", false, 0)]
    [InlineData("", false, 0)]
    [InlineData(null, false, 0)]
    public void TryParseETag_AcceptsVersionETagsOnly(string? value, bool ok, int version)
    {
        Assert.Equal(ok, ResourceHttp.TryParseETag(value, out var parsed));
        Assert.Equal(version, parsed);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "200 OK")]
    [InlineData(HttpStatusCode.Created, "201 Created")]
    [InlineData(HttpStatusCode.NoContent, "204 No Content")]
    [InlineData(HttpStatusCode.PreconditionFailed, "412 Precondition Failed")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "422 Unprocessable Entity")]
    public void StatusLine_IsCodeAndReasonPhrase(HttpStatusCode status, string expected)
    {
        Assert.Equal(expected, ResourceHttp.StatusLine(status));
    }
}
