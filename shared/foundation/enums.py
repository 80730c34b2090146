from enum import IntEnum


class SpaceType(IntEnum):
    PERSONAL = 1
    TEAM = 2
    OFFICIAL = 3


class SpaceRole(IntEnum):
    OWNER = 1
    ADMIN = 2
    MEMBER = 3

    @property
    def manages_members(self) -> bool:
        return self in (SpaceRole.OWNER, SpaceRole.ADMIN)
