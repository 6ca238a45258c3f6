namespace FhirBridge.Cli.Tests;

public sealed class HelpTests
{
    [Fact]
    public void Help_ListsEveryCommand()
    {
        var result = Cli.Run("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: fhirbridge <command>", result.Output);
        Assert.Contains("validate", result.Output);
        Assert.Contains("package", result.Output);
        Assert.Contains("token", result.Output);
    }

    [Theory]
    [InlineData("validate", "Usage: fhirbridge validate")]
    [InlineData("package", "Usage: fhirbridge package")]
    [InlineData("token", "Usage: fhirbridge token")]
    public void CommandHelp_PrintsItsUsage(string command, string usage)
    {
        var result = Cli.Run(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(usage, result.Output);
    }

    [Fact]
    public void NoArguments_PrintsUsageAndExitsTwo()
    {
        var result = Cli.Run();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage: fhirbridge <command>", result.Error);
    }

    [Fact]
    public void UnknownCommand_ExitsTwo()
    {
        var result = Cli.Run("frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", result.Error);
    }

    [Fact]
    public void UnknownOption_ExitsTwo()
    {
        var result = Cli.Run("validate", "x.json", "--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown option --bogus", result.Error);
    }
}
