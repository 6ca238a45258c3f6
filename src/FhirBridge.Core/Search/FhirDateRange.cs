using System.Globalization;
using System.Text.RegularExpressions;

namespace FhirBridge.Core.Search;

/// <summary>Turns a FHIR date, dateTime or instant into the half-open UTC range [Start, End) its precision implies.</summary>
public static partial class FhirDateRange
{
    /// <summary>Whether <paramref name="instant"/> lies in <paramref name="period"/> (open ends are unbounded; an unreadable bound never covers).</summary>
    public static bool Covers(Hl7.Fhir.Model.Period? period, DateTimeOffset instant) =>
        (period?.Start is not { } start || (TryParse(start, out var from, out _) && from <= instant))
        && (period?.End is not { } end || (TryParse(end, out _, out var until) && instant < until));

    /// <summary>
    /// Parses <c>YYYY</c>, <c>YYYY-MM</c>, <c>YYYY-MM-DD</c> or <c>YYYY-MM-DDThh:mm[:ss[.f+]][Z|±hh:mm]</c>.
    /// A value without a time zone is read as UTC. "2024" → [2024-01-01, 2025-01-01).
    /// </summary>
    public static bool TryParse(string text, out DateTimeOffset start, out DateTimeOffset end)
    {
        start = end = default;
        var m = DatePattern().Match(text);
        if (!m.Success)
        {
            return false;
        }

        var year = Number(m.Groups["y"]);
        var month = m.Groups["M"].Success ? Number(m.Groups["M"]) : 1;
        var day = m.Groups["d"].Success ? Number(m.Groups["d"]) : 1;
        var hour = m.Groups["h"].Success ? Number(m.Groups["h"]) : 0;
        var minute = m.Groups["m"].Success ? Number(m.Groups["m"]) : 0;
        var second = m.Groups["s"].Success ? Number(m.Groups["s"]) : 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        if (!TryOffset(m.Groups["z"], out var offset))
        {
            return false;
        }

        var fraction = m.Groups["f"];
        var fractionDigits = fraction.Success ? Math.Min(fraction.Length, 7) : 0;
        var fractionTicks = fractionDigits > 0 ? long.Parse(fraction.Value.AsSpan(0, fractionDigits), CultureInfo.InvariantCulture) * Pow10(7 - fractionDigits) : 0;

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        var localEnd = fraction.Success ? AddSafe(local, TimeSpan.FromTicks(Pow10(7 - fractionDigits)))
            : m.Groups["s"].Success ? AddSafe(local, TimeSpan.FromSeconds(1))
            : m.Groups["m"].Success ? AddSafe(local, TimeSpan.FromMinutes(1))
            : m.Groups["d"].Success ? AddSafe(local, TimeSpan.FromDays(1))
            : local.Year == 9999 && (!m.Groups["M"].Success || month == 12) ? DateTime.MaxValue
            : m.Groups["M"].Success ? local.AddMonths(1)
            : local.AddYears(1);

        start = ToUtc(local, offset);
        end = localEnd == DateTime.MaxValue ? DateTimeOffset.MaxValue : ToUtc(localEnd, offset);
        return true;
    }

    private static bool TryOffset(Group zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (!zone.Success || zone.Value == "Z")
        {
            return true;
        }

        var hours = int.Parse(zone.ValueSpan.Slice(1, 2), CultureInfo.InvariantCulture);
        var minutes = int.Parse(zone.ValueSpan.Slice(4, 2), CultureInfo.InvariantCulture);
        if (hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (zone.Value[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeSpan offset)
    {
        var utcTicks = local.Ticks - offset.Ticks;
        return utcTicks <= DateTime.MinValue.Ticks ? DateTimeOffset.MinValue
            : utcTicks >= DateTime.MaxValue.Ticks ? DateTimeOffset.MaxValue
            : new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }

    private static DateTime AddSafe(DateTime value, TimeSpan span) =>
        DateTime.MaxValue - value <= span ? DateTime.MaxValue : value + span;

    private static int Number(Group group) => int.Parse(group.ValueSpan, CultureInfo.InvariantCulture);

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    [GeneratedRegex(@"^(?<y>\d{4})(-(?<M>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<m>\d{2})(:(?<s>\d{2})(\.(?<f>\d+))?)?(?<z>Z|[+-]\d{2}:\d{2})?)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
