using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>A User Property (0x26): a UTF-8 string pair. Names may repeat; order matters [MQTT-3.3.2-18].</summary>
internal readonly record struct UserProperty(MqttString Name, MqttString Value);

/// <summary>
/// The User Properties of a packet, in order. Built by the application from an array, or,
/// for a decoded packet, a view over its already-validated property block: decoding stores
/// no list, so a PUBLISH with user properties still decodes without allocating.
/// </summary>
internal readonly struct UserProperties : IEquatable<UserProperties>
{
    private readonly UserProperty[]? _list;
    private readonly ReadOnlySequence<byte> _block;
    private readonly long _blockOffset;

    public UserProperties(UserProperty[] list)
    {
        _list = list;
        Count = list.Length;
    }

    private UserProperties(in ReadOnlySequence<byte> block, long blockOffset, int count)
    {
        _block = block;
        _blockOffset = blockOffset;
        Count = count;
    }

    public int Count { get; }

    public static implicit operator UserProperties(UserProperty[] list) => new(list);

    /// <summary>A view over a validated block that holds <paramref name="count"/> user properties.</summary>
    internal static UserProperties FromBlock(in ReadOnlySequence<byte> block, long blockOffset, int count) =>
        count == 0 ? default : new(block, blockOffset, count);

    /// <summary>Bytes these properties take inside a property block.</summary>
    public int GetEncodedSize()
    {
        int size = 0;
        if (_list is not null)
        {
            // The application's array, walked in place: no enumerator, no copies.
            foreach (ref readonly UserProperty p in _list.AsSpan())
            {
                size += Size(p);
            }
        }
        else if (Count != 0)
        {
            foreach (UserProperty p in this)
            {
                size += Size(p);
            }
        }

        return size;
    }

    public void Write(ref MqttWriter writer)
    {
        if (_list is not null)
        {
            foreach (ref readonly UserProperty p in _list.AsSpan())
            {
                Write(ref writer, p);
            }
        }
        else if (Count != 0)
        {
            foreach (UserProperty p in this)
            {
                Write(ref writer, p);
            }
        }
    }

    private static int Size(in UserProperty p) =>
        1 + 2 + FieldSize.String(p.Name, "User Property name") + 2 + FieldSize.String(p.Value, "User Property value");

    private static void Write(ref MqttWriter writer, in UserProperty p)
    {
        writer.WriteByte((byte)PropertyId.UserProperty);
        writer.WriteString(p.Name);
        writer.WriteString(p.Value);
    }

    public Enumerator GetEnumerator() => new(this);

    public bool Equals(UserProperties other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        Enumerator left = GetEnumerator();
        Enumerator right = other.GetEnumerator();
        while (left.MoveNext() && right.MoveNext())
        {
            if (!left.Current.Equals(right.Current))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is UserProperties other && Equals(other);

    public override int GetHashCode() => Count;

    public override string ToString()
    {
        var parts = new List<string>(Count);
        foreach (UserProperty p in this)
        {
            parts.Add($"{p.Name}={p.Value}");
        }

        return $"[{string.Join(", ", parts)}]";
    }

    public static bool operator ==(UserProperties left, UserProperties right) => left.Equals(right);

    public static bool operator !=(UserProperties left, UserProperties right) => !left.Equals(right);

    /// <summary>Walks the array, or the User Property entries of the block.</summary>
    public ref struct Enumerator
    {
        private readonly UserProperty[]? _list;
        private PropertyReader _reader;
        private int _index;
        private bool _hasBlock;

        internal Enumerator(UserProperties owner)
        {
            _list = owner._list;
            _index = -1;
            Current = default;

            // Only a decoded packet has a block to walk; an array or an empty set needs no reader.
            if (_list is null && owner.Count != 0)
            {
                _reader = PropertyReader.OpenValidated(owner._block, owner._blockOffset);
                _hasBlock = true;
            }
        }

        public UserProperty Current { get; private set; }

        public bool MoveNext()
        {
            if (_list is not null)
            {
                if (++_index >= _list.Length)
                {
                    return false;
                }

                Current = _list[_index];
                return true;
            }

            while (_hasBlock && _reader.TryRead(out Property p))
            {
                if (p.Id == PropertyId.UserProperty)
                {
                    Current = new UserProperty(p.Text, p.PairValue);
                    return true;
                }
            }

            return false;
        }
    }
}
