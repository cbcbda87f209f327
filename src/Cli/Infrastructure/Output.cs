using System.CommandLine;
using System.Text.Json;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Writes a command's results: plain text for people, or one JSON object per line with kubo's field names
/// for scripts (`--enc json`). Commands print through this so that both forms stay in step.
/// </summary>
internal sealed class Output(bool json, TextWriter writer)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    public bool Json { get; } = json;

    public static Output For(ParseResult parse) =>
        new(parse.GetValue(GlobalOptions.Encoding) == "json", Console.Out);

    /// <summary>Prints <paramref name="text"/> in text mode, or <paramref name="value"/> serialised in JSON mode.</summary>
    public void Write(string text, object value)
    {
        writer.WriteLine(Json ? JsonSerializer.Serialize(value, JsonOptions) : text);
    }

    public void Line(string text) => writer.WriteLine(text);
}
