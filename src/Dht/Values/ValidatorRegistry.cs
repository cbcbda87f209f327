using System.Text;

namespace P2P.Dht.Values;

/// <summary>
/// The validators by key namespace. A value key is <c>/namespace/rest</c> (libp2p's record keys, e.g.
/// <c>/ipns/&lt;peer id bytes&gt;</c>); a key of a namespace nobody registered is refused, as go-libp2p-record's
/// NamespacedValidator refuses it, so the DHT never stores bytes it cannot check. Registration normally happens
/// once at start-up; reads are lock-free (copy on write).
/// </summary>
public sealed class ValidatorRegistry
{
    /// <summary>Longest namespace accepted (bytes between the first two slashes).</summary>
    public const int MaxNamespaceLength = 32;

    private readonly Lock _gate = new();
    /// <summary>Replaced whole under _gate on Register; read without it.</summary>
    private volatile Dictionary<string, IValueValidator> _byNamespace = new(StringComparer.Ordinal);

    /// <summary>Namespaces registered.</summary>
    public IReadOnlyCollection<string> Namespaces => _byNamespace.Keys;

    /// <summary>Registers (or replaces) the validator of <paramref name="ns"/> (without slashes, e.g. "ipns").</summary>
    public ValidatorRegistry Register(string ns, IValueValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        if (string.IsNullOrEmpty(ns) || ns.Length > MaxNamespaceLength || ns.Contains('/') || !Ascii.IsValid(ns))
            throw new ArgumentException($"a namespace is 1..{MaxNamespaceLength} ASCII characters without '/'", nameof(ns));
        lock (_gate)
        {
            var copy = new Dictionary<string, IValueValidator>(_byNamespace, StringComparer.Ordinal) { [ns] = validator };
            _byNamespace = copy;
        }
        return this;
    }

    /// <summary>The namespace of <paramref name="key"/> (<c>/ns/rest</c> with a non-empty rest), or null.</summary>
    public static string? NamespaceOf(ReadOnlySpan<byte> key)
    {
        if (key.Length < 3 || key[0] != (byte)'/') return null;
        var end = key[1..].IndexOf((byte)'/');
        if (end < 1 || end > MaxNamespaceLength || end + 2 >= key.Length) return null;
        var ns = key.Slice(1, end);
        return Ascii.IsValid(ns) ? Encoding.ASCII.GetString(ns) : null;
    }

    /// <summary>The validator for <paramref name="key"/>'s namespace, or null when the key has none registered.</summary>
    public IValueValidator? For(ReadOnlySpan<byte> key) =>
        NamespaceOf(key) is { } ns && _byNamespace.TryGetValue(ns, out var validator) ? validator : null;

    /// <summary>Validates with the key's namespace validator; an unknown namespace is a refusal too.</summary>
    public bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out string reason)
    {
        if (For(key) is not { } validator)
        {
            reason = NamespaceOf(key) is { } ns ? $"no validator for namespace '{ns}'" : "key is not /namespace/...";
            return false;
        }
        return validator.Validate(key, value, out reason);
    }
}
