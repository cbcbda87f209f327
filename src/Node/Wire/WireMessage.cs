using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// Base of every wire message. Encoded as <c>version byte ‖ type byte ‖ MessagePack array</c> by
/// <see cref="WireCodec"/>; fields are numbered (<c>[Key(n)]</c>) so new optional fields can be appended
/// without breaking older readers.
/// </summary>
public abstract class WireMessage
{
    [IgnoreMember]
    public abstract WireMessageType Type { get; }

    /// <summary>Semantic checks after deserialising: null when valid, else a one-line reason.</summary>
    internal abstract string? Validate();

    internal static string? ValidateContacts(List<WireContact>? contacts, int max, string name)
    {
        if (contacts is null)
            return $"{name} missing";
        if (contacts.Count > max)
            return $"{contacts.Count} {name}, more than {max}";
        foreach (var contact in contacts)
        {
            if (contact is null)
                return $"null entry in {name}";
            if (contact.Validate() is { } error)
                return error;
        }
        return null;
    }

    internal static string? ValidateCid(byte[]? cid)
    {
        if (cid is null || cid.Length == 0)
            return "empty CID";
        if (cid.Length > WireLimits.MaxCidLength)
            return "CID too long";
        if (!Multiformats.Cid.TryRead(cid, out _, out var consumed, out var error))
            return $"bad CID: {error}";
        return consumed == cid.Length ? null : "trailing bytes after CID";
    }

    internal static string? ValidateCids(List<byte[]>? cids)
    {
        if (cids is null)
            return "CID list missing";
        if (cids.Count > WireLimits.MaxCidsPerList)
            return $"{cids.Count} CIDs, more than {WireLimits.MaxCidsPerList}";
        foreach (var cid in cids)
        {
            if (ValidateCid(cid) is { } error)
                return error;
        }
        return null;
    }

    internal static string? ValidateValueKey(byte[]? key)
    {
        if (key is null || key.Length == 0)
            return "empty value key";
        return key.Length > WireLimits.MaxValueKeyLength ? $"value key of {key.Length} bytes, more than {WireLimits.MaxValueKeyLength}" : null;
    }

    internal static string? ValidateValue(byte[]? value, bool required)
    {
        if (value is null)
            return required ? "value missing" : null;
        if (value.Length == 0)
            return "empty value";
        return value.Length > WireLimits.MaxValueSize ? $"value of {value.Length} bytes, more than {WireLimits.MaxValueSize}" : null;
    }

    internal static string? ValidateMultihash(byte[]? key)
    {
        if (key is null || key.Length == 0)
            return "empty key";
        if (key.Length > WireLimits.MaxCidLength)
            return "key too long";
        if (!Multiformats.Multihash.TryRead(key, out _, out var consumed, out var error))
            return $"bad key multihash: {error}";
        return consumed == key.Length ? null : "trailing bytes after key multihash";
    }
}
