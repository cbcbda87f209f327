namespace P2P.Node.Storage;

/// <summary>
/// Decides which copy of the pin set to trust when a repo opens. A save writes pins.json (the commit point), then
/// pins.state, then pins.json.bak, so on disk the primary is at most one generation ahead of the marker and the
/// backup is the marker's generation or one behind. Anything else is damage: recovered from the copy the marker
/// vouches for, or reported so that gc refuses instead of collecting everything a lost pin file protected.
/// </summary>
internal static class PinRecovery
{
    /// <summary>The set to load (null when there is none to trust), what was repaired, or why the pins are unknown.</summary>
    public sealed record Outcome(PinFile? Chosen, string? Note, string? Problem);

    /// <summary>One file as found on disk: parsed, or absent (both null), or damaged (an error).</summary>
    public sealed record Found(string Path, PinFile? File, string? Error)
    {
        public bool Absent => File is null && Error is null;

        public string Describe() => File is { } f ? $"generation {f.Generation} ({f.Pins.Count} pins)" : Error ?? "missing";
    }

    public static Outcome Choose(Found primary, Found backup, PinMarker? marker, string markerPath, string? markerError)
    {
        if (marker is null)
            return ChooseWithoutMarker(primary, backup, markerPath, markerError);
        if (primary.File is { } p && (Matches(p, marker) || p.Generation == marker.Generation + 1))
            return new Outcome(p, null, null);
        if (backup.File is { } b && Matches(b, marker))
            return new Outcome(b, $"pin file {primary.Path} was {Why(primary, marker)}; recovered {b.Pins.Count} pins (generation {b.Generation}) from {backup.Path}", null);
        if (marker.Count == 0 && primary.Absent && backup.Absent)
            return new Outcome(null, null, null); // Nothing was pinned, so nothing was lost.
        return new Outcome(null, null,
            $"pin set lost: {markerPath} records generation {marker.Generation} with {marker.Count} pins, but {primary.Path} is {Why(primary, marker)} " +
            $"and {backup.Path} is {Why(backup, marker)}; restore pins.json from a backup (to accept the pins as they are instead, delete {markerPath})");
    }

    /// <summary>
    /// No marker: a repo from before markers (2bfb720 and older), or the marker was lost. The newest intact copy
    /// wins; when neither copy exists the set is empty, unless a damaged marker says there was one.
    /// </summary>
    private static Outcome ChooseWithoutMarker(Found primary, Found backup, string markerPath, string? markerError)
    {
        var intact = new[] { primary, backup }.Where(static f => f.File is not null).MaxBy(static f => f.File!.Generation);
        if (intact is not null)
        {
            var note = intact == primary ? null : $"pin file {primary.Path} was {primary.Describe()}; recovered {intact.File!.Pins.Count} pins from {backup.Path}";
            return new Outcome(intact.File, note, null);
        }
        if (primary.Absent && backup.Absent && markerError is null)
            return new Outcome(null, null, null);
        return new Outcome(null, null,
            $"pin set lost: {primary.Path} is {primary.Describe()}, {backup.Path} is {backup.Describe()} and {markerPath} is {markerError ?? "missing"}; " +
            "restore pins.json from a backup");
    }

    private static bool Matches(PinFile file, PinMarker marker) =>
        file.Generation == marker.Generation && string.Equals(file.Sha256, marker.Sha256, StringComparison.Ordinal);

    /// <summary>Why a copy is not the one the marker describes, in words.</summary>
    private static string Why(Found found, PinMarker marker) => found.File switch
    {
        null => found.Error ?? "missing",
        { } f when f.Generation == marker.Generation => $"altered (generation {f.Generation} but not the bytes saved)",
        { } f => $"generation {f.Generation}, not the {marker.Generation} last saved",
    };
}
