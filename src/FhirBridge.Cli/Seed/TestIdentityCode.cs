using System.Globalization;

namespace FhirBridge.Cli.Seed;

/// <summary>
/// Test personal identity codes (henkilötunnus, DDMMYY-9NNC): the individual number starts with 9 (the 8th character),
/// which the Digital and Population Data Services Agency never gives a real person.
/// </summary>
public static class TestIdentityCode
{
    private const string CheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";

    /// <param name="birthDate">1900-2099.</param>
    /// <param name="individual">0-99: the individual number is 900 + this.</param>
    public static string For(DateOnly birthDate, int individual)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(individual is >= 0 and <= 99, true, nameof(individual));
        var century = birthDate.Year switch
        {
            >= 1900 and < 2000 => '-',
            >= 2000 and < 2100 => 'A',
            _ => throw new ArgumentOutOfRangeException(nameof(birthDate), birthDate, "Only years 1900-2099."),
        };
        var date = birthDate.ToString("ddMMyy", CultureInfo.InvariantCulture);
        var number = 900 + individual;
        var check = CheckCharacters[(int)(long.Parse(date + number.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) % 31)];
        return $"{date}{century}{number}{check}";
    }
}
