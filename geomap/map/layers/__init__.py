"""One builder per layer of the map; each turns a layer into its page spec.

Builders take the (already public, if need be) layers and a :class:`Build`
(the options, the view and what the page can load), and return specs of the
page contract (:mod:`geomap.map.contract`). None of them asks whether the map
is public: the :class:`~geomap.map._inputs.MapView` carries every difference.
"""
