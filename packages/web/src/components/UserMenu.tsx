import { Avatar, Button, Dropdown } from 'antd';
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useAuth } from './AuthContext';
import { useLogout } from '../features/auth/api';

export function UserMenu() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const logout = useLogout();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'account', icon: <UserOutlined />, label: t('nav.account'), 'data-testid': 'menu-account' },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), 'data-testid': 'menu-logout' },
        ],
        onClick: ({ key }) => {
          if (key === 'account') void navigate('/account');
          if (key === 'logout') {
            // Whatever the server answers, the session is over for this browser tab.
            logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) });
          }
        },
      }}
    >
      <Button type="text" data-testid="user-menu" style={{ height: 40 }}>
        <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: '#1677ff' }} />
        <span>{me.user.displayName}</span>
      </Button>
    </Dropdown>
  );
}
