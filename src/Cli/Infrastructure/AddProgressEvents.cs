using System.Text.Json;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Reads kubo's add progress events (<c>{"Name":"f","Bytes":N}</c>, no <c>Hash</c>; <c>Bytes</c> is that entry's
/// running total) into a <see cref="ProgressBar"/>: a new name, or a count that went back, starts a new part.
/// </summary>
internal sealed class AddProgressEvents(ProgressBar bar)
{
    private string? _name;
    private long _last;
    private IProgress<long>? _part;

    /// <summary>True when <paramref name="line"/> was a progress event (and was consumed), false for a result.</summary>
    public bool TryConsume(JsonElement line)
    {
        if (line.TryGetProperty("Hash", out var hash) && hash.ValueKind == JsonValueKind.String)
            return false;
        if (!line.TryGetProperty("Bytes", out var bytesElement) || !bytesElement.TryGetInt64(out var bytes))
            return true; // Neither a result nor a count we can read: not for the user.
        var name = line.TryGetProperty("Name", out var n) ? n.GetString() : null;
        if (_part is null || name != _name || bytes < _last)
        {
            _part = bar.Part();
            _name = name;
        }
        _last = bytes;
        _part.Report(bytes);
        return true;
    }
}
