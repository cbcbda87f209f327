namespace P2P.Cli.Infrastructure;

/// <summary>
/// The text layout of the daemon's status commands (`bitswap stat`, `stats bw`), after kubo's: a title line, then
/// one <c>label: value</c> line per figure under an optional indent. Collected first and written once, so every
/// status command prints the same shape.
/// </summary>
internal sealed class StatTable(string title, string indent = "")
{
    private readonly List<(string Label, string Value)> _rows = [];

    public StatTable Row(string label, string value)
    {
        _rows.Add((label, value));
        return this;
    }

    public StatTable Row(string label, long value) =>
        Row(label, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void WriteTo(Output output)
    {
        output.Line(title);
        foreach (var (label, value) in _rows)
            output.Line($"{indent}{label}: {value}");
    }
}
